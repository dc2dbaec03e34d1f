## صفحات الإدارة (issue 7): لوحة القيادة، التسجيلات، الحسابات، البلاغات، سياسة الاتحاد،
## الإعدادات، الدعوات، سجل الإشراف؛ وتنبيه الإشراف في الإشعارات.

nav-admin = الإدارة
admin-forbidden = هذه الصفحة خاصة بمشرفي العقدة ومسؤوليها.
admin-nav-label = الإدارة
admin-done = تمّ.
admin-dashboard = لوحة القيادة
admin-registrations = تسجيلات تنتظر الموافقة
admin-accounts = الحسابات
admin-reports = البلاغات
admin-federation = الاتحاد
admin-settings = إعدادات العقدة
admin-invites = الدعوات
admin-audit = سجل الإشراف
admin-none = لا شيء.
admin-more = المزيد
admin-yes = نعم
admin-no = لا
admin-save = حفظ
admin-add = إضافة
admin-remove = حذف
admin-search = بحث
admin-any = الكل
admin-local = هذه العقدة
admin-remote = خادم آخر
admin-cli = سطر الأوامر

admin-waiting = في انتظارك
admin-pending-count = { $count ->
    [one] تسجيل واحد ينتظر الموافقة
    [two] تسجيلان ينتظران الموافقة
   *[other] تسجيلات تنتظر الموافقة: { $count }
}
admin-open-reports-count = { $count ->
    [one] بلاغ واحد مفتوح
    [two] بلاغان مفتوحان
   *[other] بلاغات مفتوحة: { $count }
}
admin-activity = النشاط
admin-active-week = المستخدمون النشطون (7 أيام)
admin-active-month = المستخدمون النشطون (30 يومًا)
admin-sign-ups-week = التسجيلات (7 أيام)
admin-sign-ups-month = التسجيلات (30 يومًا)
admin-posts-week = المنشورات (7 أيام)
admin-local-posts = المنشورات على هذه العقدة
admin-pln = شبكة التعلّم المهني
admin-offers-open = عروض الإرشاد المفتوحة
admin-requests-pending = طلبات الإرشاد المنتظرة
admin-mentorships-active = علاقات الإرشاد الجارية
admin-resources-shared = الموارد المشتركة
admin-known-nodes = العقد المعروفة حسب نوع المؤسسة
admin-delivery-queue = طابور الإرسال
admin-failing-hosts = خوادم لا تجيب

admin-email = البريد الإلكتروني
admin-signed-up = تاريخ التسجيل
admin-reason = سبب الانضمام
admin-no-reason = لم يُذكر سبب.
admin-approve = موافقة
admin-reject = رفض
admin-note = ملاحظة للمشرفين
admin-note-help = تُحفظ في سجل الإشراف ولا يراها المستخدم.
admin-no-pending = لا يوجد تسجيل منتظر.

admin-search-accounts = الاسم، أو الاسم@الخادم
admin-state = الحالة
admin-origin = المصدر
admin-account = الحساب
admin-role = الدور
admin-no-accounts = لا يوجد حساب مطابق.
admin-state-active = نشط
admin-state-pending = في انتظار الموافقة
admin-state-disabled = الدخول معطّل
admin-state-silenced = مقيَّد
admin-state-suspended = موقوف
admin-state-staff = فريق الإشراف
admin-state-deleted = محذوف
admin-state-rejected = مرفوض
admin-role-admin = مسؤول
admin-role-moderator = مشرف
admin-role-user = مستخدم
admin-profile = الملف الشخصي
admin-act = إجراء
admin-action = الإجراء
admin-action-none = تنبيه فقط
admin-action-silence = تقييد (خارج الخيوط العامة)
admin-action-disable = تعطيل الدخول
admin-action-suspend = إيقاف
admin-message = رسالة إلى المستخدم (اختيارية)
admin-message-help = تصله إشعارًا من المشرفين.
admin-apply = تطبيق
admin-undo = رفع الإجراء
admin-unsilence = رفع التقييد
admin-enable = تفعيل الدخول
admin-unsuspend = رفع الإيقاف
admin-change-role = تغيير الدور
admin-reports-about = البلاغات عن هذا الحساب

admin-open-reports = مفتوحة
admin-resolved-reports = معالَجة
admin-report-about = بلاغ عن @{ $handle }
admin-reported-by = من @{ $handle }
admin-assigned-to = يتولّاه @{ $handle }
admin-posts-count = { $count ->
    [0] بدون منشورات
    [one] منشور واحد
    [two] منشوران
   *[other] منشورات: { $count }
}
admin-no-reports = لا توجد بلاغات هنا.
admin-reporter = المُبلِّغ
admin-category = الفئة
admin-category-spam = رسائل مزعجة
admin-category-legal = محتوى غير قانوني
admin-category-violation = مخالفة للقواعد
admin-category-other = أخرى
admin-received = تاريخ الاستلام
admin-open = مفتوح
admin-resolved = معالَج
admin-assigned = يتولّاه
admin-nobody = لا أحد
admin-earlier-reports = بلاغات أخرى عن هذا الحساب
admin-forwarded = أُرسل إلى خادمه
admin-comment = التعليق
admin-reported-posts = المنشورات المُبلَّغ عنها
admin-no-posts = لا توجد منشورات مرفقة.
admin-posts-gone = { $count ->
    [one] منشور مُبلَّغ عنه لم يعد موجودًا.
   *[other] منشورات مُبلَّغ عنها لم تعد موجودة: { $count }
}
admin-report-dismiss = حفظ البلاغ (لا شيء يُفعل)
admin-report-delete = حذف المنشورات المُبلَّغ عنها
admin-resolve = معالجة
admin-reopen = إعادة الفتح
admin-assign-to-me = أتولّاه
admin-unassign = التخلّي عنه
admin-forward = إرساله إلى خادمه

admin-read-only = المسؤولون وحدهم يغيّرون سياسة الاتحاد.
admin-fed-mode = الوضع
admin-fed-mode-open = مفتوح: الاتحاد مع الجميع عدا النطاقات المحظورة
admin-fed-mode-allowlist = قائمة السماح: الاتحاد مع النطاقات المدرجة فقط
admin-fed-effective = السارية الآن: { $blocks } محظورة، { $allows } مسموحة
admin-fed-blocks = النطاقات المحظورة والمقيّدة
admin-fed-allows = النطاقات المسموحة
admin-fed-add-block = حظر نطاق أو تقييده
admin-fed-add-allow = السماح بنطاق
admin-domain = النطاق
admin-severity = الشدّة
admin-severity-suspend = حظر (رفض كل شيء وحذف بياناتهم)
admin-severity-silence = تقييد (لا خيوط عامة، والمتابعات تحتاج موافقة)
admin-severity-noop = الخيارات فقط
admin-flags = إضافةً إلى ذلك
admin-reject-media = رفض الوسائط
admin-reject-reports = رفض البلاغات
admin-source = المصدر
admin-private-comment = تعليق خاص
admin-public-comment = تعليق علني
admin-unblock-domain = حذف مدخل { $domain }
admin-fed-subscriptions = القوائم المشترَك فيها
admin-fed-subscriptions-help = قوائم تنشرها عقد أخرى، تُجلب بانتظام وتُدمج مع مدخلات هذه العقدة؛ مدخلات هذه العقدة أولًا، ثم الأولوية الأعلى.
admin-fed-list-block = قائمة حظر
admin-fed-list-allow = قائمة سماح
admin-priority = الأولوية
admin-priority-help = من -1000 إلى 1000؛ الأولوية الأعلى تتقدّم على القوائم الأخرى.
admin-entries-count = { $count ->
    [one] مدخل واحد
    [two] مدخلان
   *[other] مدخلات: { $count }
}
admin-fetched = جُلبت في { $at }
admin-refresh = الجلب الآن
admin-unsubscribe = إلغاء الاشتراك
admin-fed-subscribe = الاشتراك في قائمة
admin-list-url = عنوان القائمة
admin-list-kind = نوع القائمة
admin-title = العنوان
admin-subscribe = اشتراك

admin-set-node = العقدة
admin-set-name = الاسم
admin-set-description = الوصف
admin-set-contact = بريد التواصل
admin-set-default-language = اللغة الافتراضية
admin-set-rules = القواعد
admin-set-rules-help = قاعدة واحدة في كل سطر.
admin-set-posting = النشر
admin-set-hide-counts = إخفاء أعداد الإعجابات والمشاركات والمتابعين في العقدة كلها
admin-set-max-characters = أقصى عدد من الحروف في المنشور
admin-set-max-media = أقصى عدد من المرفقات في المنشور
admin-set-max-image-bytes = أقصى حجم للصورة (بايت)
admin-set-registrations = التسجيلات
admin-set-registrations-mode = من يمكنه التسجيل
admin-reg-mode-open = الجميع
admin-reg-mode-approval = الجميع، بعد موافقة مشرف
admin-reg-mode-invite = بدعوة فقط
admin-reg-mode-closed = لا أحد (المسؤول ينشئ الحسابات)
admin-set-email-domains = نطاقات البريد المسموحة
admin-set-email-domains-help = مفصولة بفواصل، مثل ens.ac.ma, crmef.ma؛ فارغ: أي عنوان.
admin-set-registrations-message = رسالة إلى من يريد التسجيل
admin-institution = ملف المؤسسة
admin-institution-kind = نوع المؤسسة
admin-institution-region = الجهة
admin-institution-city = المدينة
admin-institution-languages = لغات العمل (رموز، مثل ar, fr)

admin-invite-create = إنشاء دعوة
admin-invite-max-uses = عدد الاستعمالات
admin-invite-max-uses-help = فارغ: بلا حدّ.
admin-invite-expires = تنتهي
admin-invite-link = الرابط
admin-invite-uses = الاستعمالات
admin-invite-live = صالحة
admin-invite-expired = منتهية
admin-invite-used-up = مستنفدة
admin-invite-revoked = ملغاة
admin-revoke = إلغاء
admin-never = أبدًا
admin-expiry-0 = لا تنتهي
admin-expiry-1800 = بعد 30 دقيقة
admin-expiry-21600 = بعد 6 ساعات
admin-expiry-86400 = بعد يوم
admin-expiry-604800 = بعد أسبوع
admin-expiry-2592000 = بعد 30 يومًا

admin-when = متى
admin-who = من
admin-what = ماذا
admin-target = على

notif-moderation-warning = أرسل إليك رسالة من المشرفين
warning-action-none = تنبيه من المشرفين:
warning-action-disable = عطّل المشرفون دخولك:
warning-action-silence = قيّد المشرفون حسابك:
warning-action-suspend = أوقف المشرفون حسابك:
warning-action-delete_statuses = حذف المشرفون بعض منشوراتك:
