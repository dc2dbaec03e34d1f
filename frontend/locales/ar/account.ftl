# إعدادات الحساب: الإعدادات الافتراضية للنشر، الخصوصية، تصدير البيانات؛ روابط إعادة التعيين؛ موافقة OAuth.
account-posting = الإعدادات الافتراضية للنشر
account-privacy-default = من يرى منشوراتي افتراضيًا
account-sensitive-default = وسم وسائطي كحساسة افتراضيًا
account-post-language = لغة منشوراتي
account-post-language-help = رمز لغة مثل ar أو fr أو en؛ اتركه فارغًا ليختار التطبيق.
account-default-license = الترخيص الافتراضي لمواردي
account-default-license-help = تحصل الموارد الجديدة على هذا الترخيص ما لم تختر غيره.
account-privacy = الخصوصية
account-locked = الموافقة على المتابعين يدويًا (حساب مقفل)
account-discoverable = إظهار حسابي في الدليل وفي اقتراحات البحث
account-export = تصدير بياناتك
account-export-help = نزّل بياناتك في ملفات CSV يمكن لماستودون وخوادم أخرى استيرادها.
account-export-following = الحسابات التي تتابعها
account-export-lists = قوائمك
account-export-blocks = الحسابات التي تحظرها
account-export-mutes = الحسابات التي تكتمها
account-export-bookmarks = علاماتك المرجعية
