# واجهة حلقة على الويب، العربية.

## إطار الموقع
skip-to-content = انتقل إلى المحتوى
nav-label = القائمة الرئيسية
nav-home = الرئيسية
nav-notifications = الإشعارات
nav-local = هذا الخادم
nav-federated = الشبكة الموحدة
nav-profile = ملفي الشخصي
nav-settings = الإعدادات
nav-logout = تسجيل الخروج
nav-login = تسجيل الدخول
nav-signup = إنشاء حساب
footer-language = اللغة
footer-change-language = تغيير
footer-about = حلقة · شبكة تعلم مهني للأساتذة، على الفديفرس

## الرئيسية والخيوط
home-welcome = تربط حلقة بين الأساتذة عبر المؤسسات والخوادم: شاركوا الموارد، وجدوا مؤطرا، وتعلموا معا.
timeline-home = الرئيسية
timeline-local = منشورات هذا الخادم
timeline-federated = منشورات الشبكة الموحدة
timeline-empty = لا شيء هنا بعد.
paging-label = الصفحات
older-posts = منشورات أقدم

## المنشورات
boosted-by = أعاد { $name } النشر
reply = رد
visibility-public = عام
visibility-unlisted = غير مدرج
visibility-private = للمتابعين فقط
visibility-direct = للأشخاص المذكورين فقط
thread-heading = محادثة
thread-context = في وقت سابق من المحادثة
thread-replies = الردود

## التحرير
compose-text = ماذا تود أن تشارك؟
compose-reply-label = ردك
compose-cw = تحذير بشأن المحتوى (اختياري)
compose-visibility = من يمكنه رؤيته
compose-submit = انشر
compose-empty = اكتب شيئا قبل النشر.

## الملفات الشخصية والمتابعة
profile-facets = الملف المهني
profile-institution = المؤسسة:
profile-counts = { $posts } منشورات · { $followers } متابعون · { $following } متابَعون
profile-follows-you = يتابعك
profile-posts = المنشورات
follow = تابع
unfollow = إلغاء المتابعة
follow-cancel-request = إلغاء طلب المتابعة
follow-requested = أُرسل طلب المتابعة: في انتظار الموافقة.
remote-follow-heading = تابع شخصا على خادم آخر
remote-follow-label = عنوانه، مثل user@example.org
remote-follow-submit = ابحث وتابع
remote-follow-not-found = لم يُعثر على أي حساب بهذا العنوان.

## الدخول والتسجيل
login-heading = تسجيل الدخول
login-username = اسم المستخدم أو البريد الإلكتروني
login-password = كلمة المرور
login-submit = دخول
login-no-account = ليس لديك حساب؟ أنشئ حسابا
login-wrong = اسم المستخدم أو كلمة المرور غير صحيح.
login-throttled = محاولات خاطئة كثيرة. انتظر بضع دقائق ثم أعد المحاولة.
login-not-allowed = لا يمكن لهذا الحساب تسجيل الدخول الآن: إنه في انتظار موافقة المشرفين، أو لم تتم الموافقة عليه، أو أنه معطّل.
signup-heading = إنشاء حساب
signup-username = اسم المستخدم
signup-username-help = حروف لاتينية صغيرة وأرقام و _ (30 على الأكثر).
signup-email = البريد الإلكتروني
signup-password = كلمة المرور
signup-password-help = 8 أحرف على الأقل.
signup-submit = أنشئ حسابي
signup-have-account = لديك حساب؟ سجل الدخول
signup-username-taken = اسم المستخدم هذا مأخوذ.
signup-email-taken = هذا البريد الإلكتروني مسجل من قبل.
signup-username-invalid = لا يقبل اسم المستخدم إلا الحروف اللاتينية الصغيرة والأرقام و _ (من 1 إلى 30).
signup-email-invalid = هذا ليس عنوان بريد إلكتروني صالحا.
signup-password-short = يجب أن تتكون كلمة المرور من 8 أحرف على الأقل.
signup-closed = لا يقبل هذا الخادم حسابات جديدة.
signup-reason = لماذا تريد الانضمام؟ (يقرؤه المشرفون عندما يراجع هذا الخادم الحسابات)
signup-invite = رمز الدعوة (إن كان لديك)
signup-pending = تم إنشاء حسابك. سيراجعه مشرفو هذا الخادم، ويمكنك تسجيل الدخول بعد الموافقة عليه.
signup-failed = تعذر إنشاء الحساب.

## الإشعارات
notifications-heading = الإشعارات
notifications-empty = لا توجد إشعارات بعد.
notif-follow = تابعك
notif-follow-request = طلب متابعتك
notif-favourite = أعجبه منشورك
notif-reblog = أعاد نشر منشورك
notif-mention = ذكرك
notif-status = نشر منشورا
notif-update = عدّل منشورا
notif-poll = انتهى استطلاع
notif-other = قام بشيء جديد
notif-many-follow = { $others ->
    [one] وشخص آخر تابعوك
    [two] وشخصان آخران تابعوك
    [few] و{ $others } أشخاص آخرين تابعوك
   *[other] و{ $others } شخصا آخر تابعوك
}
notif-many-favourite = { $others ->
    [one] وشخص آخر أعجبهم منشورك
    [two] وشخصان آخران أعجبهم منشورك
    [few] و{ $others } أشخاص آخرين أعجبهم منشورك
   *[other] و{ $others } شخصا آخر أعجبهم منشورك
}
notif-many-reblog = { $others ->
    [one] وشخص آخر أعادوا نشر منشورك
    [two] وشخصان آخران أعادوا نشر منشورك
    [few] و{ $others } أشخاص آخرين أعادوا نشر منشورك
   *[other] و{ $others } شخصا آخر أعادوا نشر منشورك
}
notif-many-other = { $others ->
    [one] وشخص آخر قاموا بشيء جديد
    [two] وشخصان آخران قاموا بشيء جديد
    [few] و{ $others } أشخاص آخرين قاموا بشيء جديد
   *[other] و{ $others } شخصا آخر قاموا بشيء جديد
}

## الإعدادات
settings-heading = الإعدادات
settings-saved = حُفظت إعداداتك.
settings-profile = الملف الشخصي
settings-display-name = الاسم المعروض
settings-bio = نبذة عنك
settings-facets = الملف المهني
settings-stage = المرحلة المهنية
settings-none = غير محدد
settings-subjects = المواد
settings-levels = الأسلاك
settings-teaching-languages = لغات التدريس
settings-teaching-languages-help = رموز اللغات مفصولة بفواصل، مثل ar, fr, tzm.
settings-region = الجهة
settings-open-to-mentor = أنا مستعد(ة) للتأطير
settings-seeking-mentor = أبحث عن مؤطر
settings-interface = الواجهة
settings-language = لغة الواجهة
settings-language-browser = لغة متصفحي
settings-save = حفظ

## الأخطاء
error-400 = يرجى التحقق مما أدخلته.
error-401 = يرجى تسجيل الدخول أولا.
error-403 = غير مسموح لك بهذا.
error-404 = هذه الصفحة غير موجودة.
error-429 = طلبات كثيرة جدا. يرجى الانتظار قليلا.
error-500 = حدث خطأ في الخادم. يرجى المحاولة لاحقا.
error-csrf = انتهت صلاحية هذا النموذج أو أنه لم يأت من هذا الموقع. ارجع، وأعد تحميل الصفحة، ثم حاول مجددا.
error-back-home = العودة إلى الصفحة الرئيسية

## التواريخ
date-time = { $day } { $month } { $year }، { $time }
month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = ماي
month-6 = يونيو
month-7 = يوليوز
month-8 = غشت
month-9 = شتنبر
month-10 = أكتوبر
month-11 = نونبر
month-12 = دجنبر

## تفويض OAuth
oauth-signed-in-as = أنت متصل باسم @{ $handle }.
