# واجهة حلقة على الويب، العربية: صفحات البحث والتأطير والموارد.

## التصفح والكلمات المشتركة في الاستمارات
nav-search = بحث
nav-mentorship = التأطير
form-save = حفظ التغييرات
form-cancel = إلغاء
pln-error-field = يرجى مراجعة هذا الحقل: { $field }.
pln-error-form = تعذّر إتمام هذا الإجراء.
pln-kind-accounts = أشخاص
pln-kind-statuses = منشورات
pln-kind-hashtags = وسوم
pln-kind-resources = موارد
pln-kind-offers = عروض التأطير
pln-kind-collections = مجموعات
pln-kind-circles = حلقات
pln-lang-ar = العربية
pln-lang-fr = الفرنسية
pln-lang-en = الإنجليزية
pln-lang-zgh = الأمازيغية
pln-lang-es = الإسبانية

## أسماء الحقول
pln-field-title = العنوان
pln-field-description = الوصف
pln-field-body = المحتوى
pln-field-license = الرخصة
pln-field-resource-type = نوع المورد
pln-field-subjects = المواد
pln-field-levels = الأسلاك
pln-field-languages = اللغات
pln-field-duration = المدة
pln-field-prerequisites = المكتسبات القبلية
pln-field-links = روابط
pln-field-based-on = مستوحى من (عنوان الأصل)
pln-field-attachments = ملفات
pln-field-format = الصيغة
pln-field-region = الجهة
pln-field-capacity = عدد المستفيدين
pln-field-starts-at = يبدأ في
pln-field-ends-at = ينتهي في
pln-field-message = الرسالة
pln-field-goals = الأهداف
pln-field-notes = ملاحظات
pln-field-date = التاريخ

## البحث
search-heading = بحث
search-label = ابحث عن
search-help = كلمات، أو #وسم، أو مستخدم@خادم، أو عنوان منشور أو مورد أو عرض.
search-type = ابحث في
search-type-all = الكل
search-filters = عوامل التصفية
search-filters-help = الرخصة ونوع المورد يخصّان الموارد وحدها.
search-any = الكل
search-submit = بحث
search-none = لا نتائج.
search-more = عرض المزيد
search-next = الصفحة التالية

## دليل التأطير
mentorship-heading = التأطير
mentorship-intro = يعرض أساتذة من الشبكة مرافقة الأساتذة المتدربين والجدد. اعثر على العرض المناسب لك وأرسل طلبا.
mentorship-new-offer = اعرض التأطير
mentorship-my-requests = طلباتي ومرافقاتي
mentorship-login-to-request = سجّل الدخول لطلب التأطير
mentorship-suggestions = مقترحات لك
mentorship-why = لماذا:
mentorship-directory = كل العروض
mentorship-open-only = العروض التي بها أماكن فقط
mentorship-none = لا توجد عروض مطابقة.

## صفحة العرض
offer-starts = يبدأ في
offer-ends = ينتهي في
offer-original = على خادمه
offer-manage = عرضك
offer-edit = تعديل العرض
offer-close = إغلاق العرض
offer-close-help = لن تُقبل طلبات جديدة؛ وتستمر المرافقات الجارية.
offer-incoming = طلبات تنتظر ردك
offer-no-requests = لا توجد طلبات معلّقة.
offer-your-request = طلبك
offer-full = كل أماكن هذا العرض مشغولة.
offer-closed = هذا العرض مغلق.
request-heading = اطلب هذا التأطير
request-message = عرّف بنفسك واذكر ما تتطلع إليه
request-goals = الأهداف
request-goals-help = هدف واحد في كل سطر (اختياري).
request-submit = أرسل الطلب
request-waiting = أُرسل طلبك، وهو ينتظر رد المؤطِّر.
request-withdraw = سحب الطلب
request-accepted = قُبل طلبك.
request-accept = قبول
request-decline = رفض
request-decline-reason = السبب (اختياري)
request-reason = السبب:
request-state-pending = في انتظار الرد
request-state-accepted = مقبول
request-state-declined = مرفوض
request-state-withdrawn = مسحوب

## استمارة العرض
offer-form-new = اعرض التأطير
offer-form-edit = تعديل العرض
offer-form-description-help = لمن هو، وكيف ستعملان معا، وبأي وتيرة.
offer-form-format-default = عن بعد (افتراضيا)
offer-form-publish = انشر العرض

## طلباتي
requests-heading = طلباتي ومرافقاتي
requests-mentoring = أنت تؤطّر { $name }
requests-mentored-by = { $name } يؤطّرك
requests-mentorships = مرافقاتي
requests-no-mentorships = لا مرافقة بعد.
requests-received = الطلبات الواردة
requests-none-received = لم يصلك أي طلب.
requests-sent = الطلبات المرسلة
requests-none-sent = لم تطلب أي تأطير.
requests-my-offers = عروضي
requests-no-offers = لم تنشر أي عرض.

## فضاء المرافقة
space-heading = المرافقة مع { $name }
space-you-mentor = أنت تؤطّر
space-you-mentee = مؤطِّرك:
space-private = لا يرى هذه الصفحة سواكما.
space-not-yours = فضاء المرافقة هذا خاص بالمؤطِّر والمستفيد.
space-open = افتح فضاء المرافقة
space-ended = انتهت هذه المرافقة.
space-goals = الأهداف
space-no-goals = لا أهداف بعد.
space-goal-done = محقَّق
space-goal-open = قيد الإنجاز
space-goal-tick = علّمه محقَّقا
space-goal-reopen = علّمه غير محقَّق
space-goal-new = هدف جديد
space-goal-add = أضف
space-meetings = سجل اللقاءات
space-no-meetings = لم يُسجَّل أي لقاء بعد.
space-log-meeting = سجّل لقاء
space-meeting-date = التاريخ
space-meeting-notes = ملاحظات
space-next-steps = الخطوات التالية:
space-meeting-save = احفظ اللقاء
space-thread = رسائل خاصة
space-no-messages = لا رسائل بعد.
space-message = رسالتك
space-send = أرسل
space-end = إنهاء المرافقة
space-reflection = كلمات للطرف الآخر (اختياري)
space-end-submit = إنهاء المرافقة

## الموارد
resource-edit = تعديل
resource-delete = حذف
resource-form-new = شارك موردا
resource-form-edit = تعديل المورد
resource-form-body-help = ماركداون: **غليظ**، *مائل*، قوائم بـ -، روابط [نص](https://…).
resource-form-choose = اختر…
resource-form-duration-help = بالدقائق (45) أو كما تقولها (حصتان).
resource-form-one-per-line = واحد في كل سطر.
resource-form-links-help = رابط في كل سطر: العنوان ثم عنوانه النصي.
resource-form-files-kept = الملفات المرفقة (أزل العلامة للحذف)
resource-form-files-help = PDF، مستندات مكتبية، EPUB، نص، صور، صوت أو فيديو.
resource-form-publish = انشر المورد
resource-delete-heading = حذف هذا المورد؟
resource-delete-question = أنت على وشك حذف:
resource-delete-help = سيختفي من هذا الخادم ويُطلب من الخوادم الأخرى إزالته. لا يمكن التراجع عن ذلك.
resource-delete-confirm = احذف نهائيا
