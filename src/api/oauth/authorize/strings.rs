//! The authorization page's strings in Arabic, French and English (until the frontend's
//! Fluent files), and which string describes each scope.

/// The string key describing a scope: `read:statuses` is described as `read` is.
pub(super) fn scope_key(scope: &str) -> &'static str {
    match scope {
        "profile" => "scope_profile",
        "follow" => "scope_follow",
        "push" => "scope_push",
        s if s.starts_with("admin:read") => "scope_admin_read",
        s if s.starts_with("admin:write") => "scope_admin_write",
        s if s.starts_with("write") => "scope_write",
        _ => "scope_read",
    }
}

pub(super) const STRING_KEYS: &[&str] = &[
    "title",
    "wants_access",
    "permissions",
    "sign_in",
    "username",
    "password",
    "approve",
    "deny",
    "wrong_login",
    "too_many_attempts",
    "redirect_note",
    "oob_note",
    "code_title",
    "code_help",
    "denied",
    "error_title",
    "scope_read",
    "scope_write",
    "scope_follow",
    "scope_push",
    "scope_profile",
    "scope_admin_read",
    "scope_admin_write",
];

/// The page's few strings in Arabic, French and English (until the frontend's Fluent files).
pub(super) fn strings(lang: &str, key: &str) -> &'static str {
    match (lang, key) {
        ("ar", "title") => "السماح لتطبيق",
        ("ar", "wants_access") => "يطلب الوصول إلى حسابك.",
        ("ar", "permissions") => "سيُسمح له بما يلي:",
        ("ar", "sign_in") => "سجّل الدخول للموافقة",
        ("ar", "username") => "اسم المستخدم أو البريد الإلكتروني",
        ("ar", "password") => "كلمة المرور",
        ("ar", "approve") => "سماح",
        ("ar", "deny") => "رفض",
        ("ar", "wrong_login") => "اسم المستخدم أو كلمة المرور غير صحيحين.",
        ("ar", "too_many_attempts") => "محاولات كثيرة جدًا. أعد المحاولة بعد بضع دقائق.",
        ("ar", "redirect_note") => "بعد الموافقة ستعود إلى:",
        ("ar", "oob_note") => "صفحة تعرض رمزًا تنسخه إلى التطبيق",
        ("ar", "code_title") => "رمز التفويض",
        ("ar", "code_help") => "انسخ هذا الرمز والصقه في التطبيق. صالح لمدة عشر دقائق.",
        ("ar", "denied") => "رفضت الوصول. يمكنك إغلاق هذه الصفحة.",
        ("ar", "error_title") => "تعذّر التفويض",
        ("ar", "scope_read") => "قراءة بيانات حسابك",
        ("ar", "scope_write") => "النشر وتعديل بيانات حسابك",
        ("ar", "scope_follow") => "إدارة المتابعات والحظر والكتم",
        ("ar", "scope_push") => "تلقي الإشعارات الفورية",
        ("ar", "scope_profile") => "معرفة هويتك فقط",
        ("ar", "scope_admin_read") => "قراءة بيانات الإدارة",
        ("ar", "scope_admin_write") => "تنفيذ إجراءات إدارية",
        ("fr", "title") => "Autoriser une application",
        ("fr", "wants_access") => "demande l’accès à votre compte.",
        ("fr", "permissions") => "Elle pourra :",
        ("fr", "sign_in") => "Connectez-vous pour autoriser",
        ("fr", "username") => "Nom d’utilisateur ou e-mail",
        ("fr", "password") => "Mot de passe",
        ("fr", "approve") => "Autoriser",
        ("fr", "deny") => "Refuser",
        ("fr", "wrong_login") => "Nom d’utilisateur ou mot de passe incorrect.",
        ("fr", "too_many_attempts") => "Trop de tentatives. Réessayez dans quelques minutes.",
        ("fr", "redirect_note") => "Après l’autorisation, vous serez renvoyé vers :",
        ("fr", "oob_note") => "une page affichant un code à copier dans l’application",
        ("fr", "code_title") => "Votre code d’autorisation",
        ("fr", "code_help") => {
            "Copiez ce code et collez-le dans l’application. Il est valable dix minutes."
        }
        ("fr", "denied") => "Vous avez refusé l’accès. Vous pouvez fermer cette page.",
        ("fr", "error_title") => "Autorisation impossible",
        ("fr", "scope_read") => "lire les données de votre compte",
        ("fr", "scope_write") => "publier et modifier les données de votre compte",
        ("fr", "scope_follow") => "gérer vos abonnements, blocages et masquages",
        ("fr", "scope_push") => "recevoir des notifications push",
        ("fr", "scope_profile") => "connaître uniquement votre identité",
        ("fr", "scope_admin_read") => "lire les données d’administration",
        ("fr", "scope_admin_write") => "effectuer des actions d’administration",
        (_, "title") => "Authorize an application",
        (_, "wants_access") => "wants to access your account.",
        (_, "permissions") => "It will be able to:",
        (_, "sign_in") => "Sign in to approve",
        (_, "username") => "Username or email",
        (_, "password") => "Password",
        (_, "approve") => "Authorize",
        (_, "deny") => "Deny",
        (_, "wrong_login") => "The username or password is wrong.",
        (_, "too_many_attempts") => "Too many attempts. Try again in a few minutes.",
        (_, "redirect_note") => "After approving you will be sent to:",
        (_, "oob_note") => "a page showing a code to copy into the app",
        (_, "code_title") => "Your authorization code",
        (_, "code_help") => "Copy this code and paste it into the app. It works for ten minutes.",
        (_, "denied") => "You denied access. You can close this page.",
        (_, "error_title") => "Authorization failed",
        (_, "scope_read") => "read your account's data",
        (_, "scope_write") => "post and change your account's data",
        (_, "scope_follow") => "manage your follows, blocks and mutes",
        (_, "scope_push") => "receive push notifications",
        (_, "scope_profile") => "know who you are, nothing more",
        (_, "scope_admin_read") => "read administration data",
        (_, "scope_admin_write") => "take administration actions",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_exists_in_every_language() {
        for lang in ["ar", "fr", "en"] {
            for key in STRING_KEYS {
                assert!(!strings(lang, key).is_empty(), "{lang} {key}");
            }
        }
    }

    #[test]
    fn granular_scopes_are_described_by_their_family() {
        assert_eq!(scope_key("read:statuses"), "scope_read");
        assert_eq!(scope_key("write:media"), "scope_write");
        assert_eq!(scope_key("admin:write:accounts"), "scope_admin_write");
        assert_eq!(scope_key("follow"), "scope_follow");
    }
}
