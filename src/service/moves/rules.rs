//! The rules of account migration as pure functions over actor rows, so they are tested without a
//! network: who may move where and when, and what makes an inbound `Move` believable.
use super::Refusal;
use crate::db::entity::actor;
use chrono::{DateTime, Duration, Utc};

/// Days an account must wait after a move before moving again (Mastodon's cooldown).
pub const COOLDOWN_DAYS: i64 = 30;

/// How many aliases an account may declare.
pub const MAX_ALIASES: usize = 10;

/// Whether `actor` lists `ap_id` in its `alsoKnownAs`.
pub fn lists_alias(actor: &actor::Model, ap_id: &str) -> bool {
    actor.aliases().iter().any(|a| a == ap_id)
}

/// The aliases of `me` with `alias` added, or why not.
pub fn with_alias(me: &actor::Model, alias: &actor::Model) -> Result<Vec<String>, Refusal> {
    if alias.id == me.id || alias.ap_id == me.ap_id {
        return Err(Refusal::AliasSelf);
    }
    if alias.deleted_at.is_some() || alias.kind == "Application" {
        return Err(Refusal::NotFound);
    }
    let mut aliases = me.aliases();
    if aliases.contains(&alias.ap_id) {
        return Ok(aliases);
    }
    if aliases.len() >= MAX_ALIASES {
        return Err(Refusal::TooManyAliases);
    }
    aliases.push(alias.ap_id.clone());
    Ok(aliases)
}

/// When `origin` may move again, if it moved less than the cooldown ago.
pub fn cooldown_until(origin: &actor::Model, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let until = origin.moved_at? + Duration::days(COOLDOWN_DAYS);
    (until > now).then_some(until)
}

/// Whether local `origin` may move to `target` (`target` as freshly fetched) at `now`.
pub fn check_move_out(
    origin: &actor::Model,
    target: &actor::Model,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    if !origin.local || origin.kind != "Person" || origin.deleted_at.is_some() {
        return Err(Refusal::NotAllowed);
    }
    if target.id == origin.id || target.ap_id == origin.ap_id {
        return Err(Refusal::TargetSelf);
    }
    if target.deleted_at.is_some() || target.suspended_at.is_some() || target.kind == "Application"
    {
        return Err(Refusal::NotFound);
    }
    if let Some(until) = cooldown_until(origin, now) {
        return Err(Refusal::Cooldown(until));
    }
    if target.moved_to_ap_id.is_some() {
        return Err(Refusal::TargetMoved);
    }
    if !lists_alias(target, &origin.ap_id) {
        return Err(Refusal::NotAnAlias);
    }
    Ok(())
}

/// Why an inbound `Move` is not believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forged {
    /// `actor` is not `object`: only an account can announce its own move.
    ActorIsNotObject,
    /// `target` is `object`.
    TargetIsOrigin,
    /// The target's document does not list the origin in `alsoKnownAs`.
    TargetDoesNotListOrigin,
    /// The origin's own document does not say `movedTo` the target.
    OriginDoesNotPointAtTarget,
    /// The target is gone, suspended here, or not an account.
    TargetUnusable,
}

impl std::fmt::Display for Forged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Forged::ActorIsNotObject => {
                "a Move's actor must be the account that moves (its object)"
            }
            Forged::TargetIsOrigin => "a Move's target must be another account",
            Forged::TargetDoesNotListOrigin => {
                "the Move's target does not list the moving account in alsoKnownAs"
            }
            Forged::OriginDoesNotPointAtTarget => {
                "the moving account's document does not say movedTo the Move's target"
            }
            Forged::TargetUnusable => "the Move's target is not an account this server can follow",
        })
    }
}

/// The checks on a `Move`'s shape: `actor` = `object`, `target` another account.
pub fn check_move_shape(actor: &str, object: &str, target: &str) -> Result<(), Forged> {
    if actor != object {
        return Err(Forged::ActorIsNotObject);
    }
    if target == object {
        return Err(Forged::TargetIsOrigin);
    }
    Ok(())
}

/// The checks on the documents fetched fresh: the target lists the origin, and the origin
/// points at the target (Mastodon's two checks).
pub fn check_move_documents(origin: &actor::Model, target: &actor::Model) -> Result<(), Forged> {
    if target.deleted_at.is_some() || target.suspended_at.is_some() || target.kind == "Application"
    {
        return Err(Forged::TargetUnusable);
    }
    if !lists_alias(target, &origin.ap_id) {
        return Err(Forged::TargetDoesNotListOrigin);
    }
    if origin.moved_to_ap_id.as_deref() != Some(target.ap_id.as_str()) {
        return Err(Forged::OriginDoesNotPointAtTarget);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn person(id: i64, ap_id: &str, local: bool) -> actor::Model {
        actor::Model {
            ap_id: ap_id.into(),
            local,
            inbox: format!("{ap_id}/inbox"),
            public_key_id: format!("{ap_id}#main-key"),
            domain: "d".into(),
            ..actor::Model::sample(id, "u")
        }
    }

    const OLD: &str = "https://crmef.example/users/alice";
    const NEW: &str = "https://school.example/users/alice2";

    #[test]
    fn a_move_out_needs_the_target_to_list_the_origin() {
        let now = Utc::now();
        let origin = person(1, OLD, true);
        let mut target = person(2, NEW, false);
        assert_eq!(
            check_move_out(&origin, &target, now),
            Err(Refusal::NotAnAlias)
        );
        target.also_known_as = serde_json::to_string(&[OLD]).unwrap();
        assert_eq!(check_move_out(&origin, &target, now), Ok(()));
        assert_eq!(
            check_move_out(&origin, &origin, now),
            Err(Refusal::TargetSelf)
        );
        let mut moved_target = target.clone();
        moved_target.moved_to_ap_id = Some("https://x.example/users/z".into());
        assert_eq!(
            check_move_out(&origin, &moved_target, now),
            Err(Refusal::TargetMoved)
        );
        let mut gone = target.clone();
        gone.deleted_at = Some(now);
        assert_eq!(check_move_out(&origin, &gone, now), Err(Refusal::NotFound));
        // Only local people move from here.
        let remote = person(3, "https://r.example/users/r", false);
        assert_eq!(
            check_move_out(&remote, &target, now),
            Err(Refusal::NotAllowed)
        );
    }

    #[test]
    fn moving_again_waits_for_the_cooldown() {
        let now = Utc::now();
        let mut origin = person(1, OLD, true);
        let mut target = person(2, NEW, false);
        target.also_known_as = serde_json::to_string(&[OLD]).unwrap();
        origin.moved_to_ap_id = Some(NEW.into());
        origin.moved_at = Some(now - Duration::days(3));
        let Err(Refusal::Cooldown(until)) = check_move_out(&origin, &target, now) else {
            panic!("a move 3 days ago must wait");
        };
        assert_eq!(
            until,
            origin.moved_at.unwrap() + Duration::days(COOLDOWN_DAYS)
        );
        origin.moved_at = Some(now - Duration::days(COOLDOWN_DAYS + 1));
        assert_eq!(check_move_out(&origin, &target, now), Ok(()));
    }

    #[test]
    fn aliases_are_other_accounts_without_duplicates_up_to_a_limit() {
        let me = person(1, NEW, true);
        let old = person(2, OLD, false);
        assert_eq!(with_alias(&me, &me), Err(Refusal::AliasSelf));
        let once = with_alias(&me, &old).unwrap();
        assert_eq!(once, vec![OLD.to_string()]);
        let mut again = me.clone();
        again.also_known_as = serde_json::to_string(&once).unwrap();
        assert_eq!(with_alias(&again, &old).unwrap(), once);
        let mut full = me.clone();
        let many: Vec<String> = (0..MAX_ALIASES)
            .map(|i| format!("https://h{i}.example/u"))
            .collect();
        full.also_known_as = serde_json::to_string(&many).unwrap();
        assert_eq!(with_alias(&full, &old), Err(Refusal::TooManyAliases));
    }

    #[test]
    fn an_inbound_move_is_believed_only_when_both_documents_agree() {
        assert_eq!(
            check_move_shape(NEW, OLD, NEW),
            Err(Forged::ActorIsNotObject)
        );
        assert_eq!(check_move_shape(OLD, OLD, OLD), Err(Forged::TargetIsOrigin));
        assert_eq!(check_move_shape(OLD, OLD, NEW), Ok(()));
        let mut origin = person(1, OLD, false);
        let mut target = person(2, NEW, false);
        assert_eq!(
            check_move_documents(&origin, &target),
            Err(Forged::TargetDoesNotListOrigin)
        );
        target.also_known_as = serde_json::to_string(&[OLD]).unwrap();
        assert_eq!(
            check_move_documents(&origin, &target),
            Err(Forged::OriginDoesNotPointAtTarget)
        );
        origin.moved_to_ap_id = Some("https://elsewhere.example/users/a".into());
        assert_eq!(
            check_move_documents(&origin, &target),
            Err(Forged::OriginDoesNotPointAtTarget)
        );
        origin.moved_to_ap_id = Some(NEW.into());
        assert_eq!(check_move_documents(&origin, &target), Ok(()));
        target.suspended_at = Some(Utc::now());
        assert_eq!(
            check_move_documents(&origin, &target),
            Err(Forged::TargetUnusable)
        );
    }
}
