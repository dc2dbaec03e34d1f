# الموارد والمجموعات والحلقات (التذكرة 5): إعادة المزج، مجموعات الحلقة.
resource-based-on = مقتبس من «{ $title }» لـ { $author } ({ $license })
resource-based-on-deleted = مقتبس من مورد حُذف: { $url }
resource-based-on-unknown = مقتبس من { $url }
collection-owned-by-circle = مجموعة تابعة للحلقة { $circle }
