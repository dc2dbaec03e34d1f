# الحلقات والمجموعات والمؤسسات وصور المحرر والمتابعة من خادم آخر (صفحات الويب).
nav-circles = الحلقات
community-links-label = المجتمع
community-my-collections = مجموعاتي
community-institutions = المؤسسات

circle-kind = حلقة
circle-visibility-public = مفتوحة للجميع
circle-visibility-approval = أعضاء يقبلهم المشرفون
circle-members-count = { $count ->
    [zero] لا أعضاء
    [one] عضو واحد
    [two] عضوان
    [few] { $count } أعضاء
   *[other] { $count } عضو
}
circle-rules = القواعد
circle-you-are-member = أنت عضو في هذه الحلقة.
circle-leave = مغادرة الحلقة
circle-request-sent = أُرسل الطلب: سيجيب عنه أحد المشرفين.
circle-cancel-request = إلغاء الطلب
circle-join = الانضمام إلى الحلقة
circle-ask-to-join = طلب الانضمام
circle-login-to-join = سجّل الدخول للانضمام إلى هذه الحلقة
circle-post-label = النشر في هذه الحلقة
circle-post-submit = انشر في الحلقة
circle-requests = طلبات الانضمام
circle-no-requests = لا طلبات في الانتظار.
circle-accept = قبول
circle-reject = رفض
circle-members = الأعضاء
circle-remove-member = إخراج من الحلقة
circle-remove-post = سحب هذا المنشور من الحلقة
circle-posts = منشورات الحلقة
circles-heading = الحلقات
circles-create = إنشاء حلقة
circles-search = البحث في الحلقات
circles-local-only = حلقات هذا الخادم فقط
circles-search-submit = بحث
circles-empty = لم يُعثر على أي حلقة.
circles-more = مزيد من الحلقات
circle-new-heading = إنشاء حلقة
circle-field-name = العنوان (حروف لاتينية وأرقام و_)
circle-field-name-help = سيكون عنوان الحلقة name@هذا-الخادم، ولا يمكن تغييره لاحقًا.
circle-field-display-name = الاسم
circle-field-description = الوصف
circle-field-visibility = من يمكنه الانضمام
circle-create-submit = إنشاء الحلقة

collection-visibility-public = عامة
collection-visibility-approval = متابعون يقبلهم المنسّق
collection-visibility-private = خاصة (أنت فقط)
collection-items-count = { $count ->
    [zero] لا موارد
    [one] مورد واحد
    [two] موردان
    [few] { $count } موارد
   *[other] { $count } مورد
}
collection-follow = متابعة هذه المجموعة
collection-unfollow = إلغاء المتابعة
collection-cancel-request = إلغاء الطلب
collection-follow-pending = أُرسل طلب المتابعة: في انتظار موافقة المنسّق.
collection-following = أنت تتابع هذه المجموعة.
collection-items = الموارد
collection-item-deleted = محذوف
collection-move-up-label = رفع «{ $title }»
collection-move-down-label = إنزال «{ $title }»
collection-remove-item = إزالة
collection-empty = هذه المجموعة فارغة.
collection-items-for-followers = تُعرض موارد هذه المجموعة على المتابعين الذين قبلهم منسّقها.
collection-add-heading = إضافة مورد
collection-add-resource = عنوان المورد (أو رقمه هنا)
collection-add-note = ملاحظة (اختيارية)
collection-add-submit = أضف إلى المجموعة
collection-requests = طلبات المتابعة
collection-edit-heading = تعديل المجموعة
collection-field-title = العنوان
collection-field-description = الوصف
collection-field-visibility = من يمكنه رؤيتها
collection-save = حفظ
collections-heading = مجموعاتي
collections-empty = ليست لديك مجموعات بعد.
collections-create = إنشاء مجموعة
collections-create-submit = إنشاء المجموعة
collection-add-to-heading = إضافة إلى مجموعة
collection-add-to-label = المجموعة
collection-add-to-submit = أضف

institutions-heading = المؤسسات
institutions-search = البحث في المؤسسات
institutions-kind = النوع
institutions-any-kind = كل الأنواع
institutions-this-node = هذا الخادم
institutions-empty = لم يُعثر على أي مؤسسة.
institutions-next = المؤسسات التالية
institutions-previous = المؤسسات السابقة
institution-city = المدينة
institution-users = الحسابات
institution-software = البرنامج
institution-actor = تابع هذه المؤسسة من تطبيق في الفديفرس

compose-images = صور (حتى 4)
compose-image-n = الصورة { $n }
compose-image-file = الملف
compose-image-alt = وصف لمن لا يستطيع رؤيتها (نص بديل)

remote-follow-from-heading = المتابعة من خادم آخر
remote-follow-from-label = عنوانك، مثل user@your-server.org
remote-follow-from-submit = انتقل إلى خادمي
remote-follow-failed = تعذّر الوصول إلى خادمك أو أنه لا يتيح ذلك.
interaction-not-found = لم يُعثر على شيء في هذا العنوان.
