//! Remixing a resource: a teacher's own copy of a resource this node knows (local or from
//! another node), published like any resource but attributed — `based_on` is the original's id
//! (`isBasedOn` on the wire), the original's files and links stay referenced (not copied), and
//! the licence must allow it ([`licenses::for_remix`]: NoDerivatives refuses, ShareAlike forces
//! itself, NonCommercial stays NonCommercial).
use super::{ResourceChanges, ResourceInput, ResourceLink, licenses, publish_with};
use crate::{
    AppState,
    db::{self, entity::actor, entity::resource, mentorship::codes_of, resources::NewAttachment},
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;

/// Publishes `remixer`'s remix of resource `original_id`: the original's content with
/// `changes` over it (what is absent is the original's), its licence checked, its files kept as
/// references after the remixer's own uploads.
pub async fn remix(
    data: &Data<AppState>,
    remixer: &actor::Model,
    original_id: i64,
    changes: ResourceChanges,
) -> AppResult<resource::Model> {
    let original = db::resources::get(&data.db.read, original_id).await?;
    if original.deleted_at.is_some() {
        return Err(AppError::Gone(
            "this resource was deleted and cannot be remixed".into(),
        ));
    }
    let license = licenses::for_remix(&original.license, changes.license.as_deref())?;
    let inherited: Vec<NewAttachment> =
        db::resources::attachments_of(&data.db.read, &[original.id])
            .await?
            .remove(&original.id)
            .unwrap_or_default()
            .into_iter()
            .map(|a| NewAttachment {
                media_id: None,
                url: a.url,
                media_type: a.media_type,
                size_bytes: a.size_bytes,
                name: a.name,
            })
            .collect();
    let links: Vec<ResourceLink> = serde_json::from_str(&original.links).unwrap_or_default();
    let input = ResourceInput {
        title: changes.title.unwrap_or(original.title.clone()),
        description: changes.description.unwrap_or(original.description.clone()),
        body: changes.body.unwrap_or(original.body_source.clone()),
        license: Some(license.id.to_string()),
        resource_type: changes
            .resource_type
            .unwrap_or(original.resource_type.clone()),
        subjects: changes.subjects.unwrap_or(codes_of(&original.subjects)),
        levels: changes.levels.unwrap_or(codes_of(&original.levels)),
        languages: changes.languages.unwrap_or(codes_of(&original.languages)),
        duration: changes.duration.or(original.duration.clone()),
        prerequisites: changes
            .prerequisites
            .unwrap_or(codes_of(&original.prerequisites)),
        links: changes.links.unwrap_or(links),
        media_ids: changes.media_ids.unwrap_or_default(),
        // Attribution is not the remixer's to choose.
        based_on: Some(original.ap_id.clone()),
    };
    publish_with(data, remixer, input, inherited, None).await
}
