# صفحة الموافقة OAuth، إخفاء الأعداد، تعديل حلقة، الطلبات المجاب عنها، تسجيل الدخول للمتابعة.

## الموافقة OAuth (/oauth/authorize)
oauth-title = السماح لتطبيق
oauth-wants-access = يطلب الوصول إلى حسابك.
oauth-permissions = سيُسمح له بما يلي:
oauth-sign-in = سجّل الدخول للموافقة
oauth-username = اسم المستخدم أو البريد الإلكتروني
oauth-password = كلمة المرور
oauth-approve = سماح
oauth-deny = رفض
oauth-wrong-login = اسم المستخدم أو كلمة المرور غير صحيحين.
oauth-too-many-attempts = محاولات كثيرة جدًا. أعد المحاولة بعد بضع دقائق.
oauth-redirect-note = بعد الموافقة ستعود إلى:
oauth-oob-note = صفحة تعرض رمزًا تنسخه إلى التطبيق
oauth-code-title = رمز التفويض
oauth-code-help = انسخ هذا الرمز والصقه في التطبيق. صالح لمدة عشر دقائق.
oauth-denied = رفضت الوصول. يمكنك إغلاق هذه الصفحة.
oauth-error-title = تعذّر التفويض
oauth-no-client-id = الطلب لا يتضمن client_id.
oauth-unknown-client = هذا التطبيق غير مسجَّل على هذا الخادم (client_id غير معروف). اطلب من التطبيق أن يسجّل من جديد.
oauth-unregistered-redirect = عنوان redirect_uri ليس من العناوين التي سجّلها هذا التطبيق.
oauth-no-redirect = الطلب لا يتضمن redirect_uri والتطبيق سجّل أكثر من عنوان.
oauth-scope-read = قراءة بيانات حسابك
oauth-scope-write = النشر وتعديل بيانات حسابك
oauth-scope-follow = إدارة المتابعات والحظر والكتم
oauth-scope-push = تلقي الإشعارات الفورية
oauth-scope-profile = معرفة هويتك فقط
oauth-scope-admin-read = قراءة بيانات الإدارة
oauth-scope-admin-write = تنفيذ إجراءات إدارية

## الأعداد
profile-posts-count = المنشورات: { $posts }
post-counts = الإعجابات: { $favourites } · المشاركات: { $boosts }
counts-settings = الأعداد
counts-hide-mine = إخفاء متابِعيَّ ومن أتابعهم وأعدادي عن الآخرين
counts-hide-mine-help = لن يرى الآخرون هنا أعداد متابِعيك ومن تتابعهم والإعجابات والمشاركات، وتُخفى قائمتا المتابِعين والمتابَعين على الخوادم الأخرى أيضًا.
counts-hide-all = لا تعرض لي أي أعداد للمتابِعين أو الإعجابات أو المشاركات
counts-node-hides = هذا الخادم يخفي الأعداد عن الجميع.

## تعديل حلقة وتصفح أعضائها
circle-edit = تعديل الحلقة
circle-edit-submit = حفظ الحلقة
circle-field-moderators = المشرفون
circle-field-moderators-help = عنوان واحد في كل سطر (الاسم أو الاسم@هذا الخادم). يجب أن يكونوا أعضاء؛ ويبقى منشئ الحلقة مشرفًا دائمًا.
circle-saved = حُفظت الحلقة.
circle-more-requests = مزيد من طلبات الانضمام
circle-more-members = مزيد من الأعضاء

## الطلبات المجاب عنها
request-accepted-notice = قُبل الطلب.
request-rejected-notice = رُفض الطلب.

## تسجيل الدخول للمتابعة
login-to-continue = سجّل الدخول لتعود إلى حيث كنت.
