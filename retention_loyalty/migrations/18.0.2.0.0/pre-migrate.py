"""18.0.2.0.0, before the new code loads: the profile columns of res_partner
stop being fields (the post-migration moves them to retention.profile and
drops them); until then they must not refuse new partners."""


def migrate(cr, version):
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name = 'advocacy_stage'"
    )
    if cr.fetchone():
        cr.execute("ALTER TABLE res_partner ALTER COLUMN advocacy_stage DROP NOT NULL")
