"""One audit trail: the people pages' own rows (roles.AuditEntry) move into the trust trail.

Each old row (one field of a role, a stage or a person, old → new) becomes an entry of the trail
that django-auditlog keeps, with the same time, author, organisation and values, so a lead's
history reads as before; roles.0003 then drops the old table.
"""

from django.db import migrations

CREATE, UPDATE, DELETE = 0, 1, 2
TARGET_MODELS = {"role": ("roles", "role"), "stage": ("activities", "stage"), "person": ("auth", "user")}


def copy_roles_entries(apps, schema_editor):
    old_entries = apps.get_model("roles", "AuditEntry")
    trail = apps.get_model("trust", "AuditEntry")
    content_types = apps.get_model("contenttypes", "ContentType")
    types = {
        target: content_types.objects.get_or_create(app_label=app_label, model=model)[0]
        for target, (app_label, model) in TARGET_MODELS.items()
    }
    copied = []
    for entry in old_entries.objects.order_by("pk").iterator():
        content_type = types.get(entry.target_type)
        if content_type is None:
            continue
        action = {"created": CREATE, "deleted": DELETE}.get(entry.field, UPDATE)
        changes = {} if action != UPDATE else {entry.field: [entry.old_value, entry.new_value]}
        copied.append(trail(
            content_type=content_type, object_pk=str(entry.target_id), object_id=entry.target_id,
            object_repr=entry.target_label, action=action, changes=changes, changes_text="",
            actor_id=entry.actor_id, timestamp=entry.at, organisation_id=entry.organisation_id,
            additional_data={"user_id": entry.target_id} if entry.target_type == "person" else None,
        ))
    trail.objects.bulk_create(copied, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("roles", "0002_role_wiifm_names_unique_audit_entries"),
        ("trust", "0002_audit_entries"),
    ]

    operations = [migrations.RunPython(copy_roles_entries, migrations.RunPython.noop)]
