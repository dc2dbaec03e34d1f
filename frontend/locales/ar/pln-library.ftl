# الموارد والمجموعات والحلقات (التذكرة 5): إعادة المزج.
resource-based-on = مقتبس من «{ $title }» لـ { $author } ({ $license })
resource-based-on-deleted = مقتبس من مورد حُذف: { $url }
resource-based-on-unknown = مقتبس من { $url }
