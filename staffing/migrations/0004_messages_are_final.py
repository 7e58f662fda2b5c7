"""Messages cannot be edited or deleted after sending: on PostgreSQL the table refuses it.

SQLite (the embedded mode) relies on the application having no edit or delete path. A
registrant's erasure, if the law ever demands one, is an operator's job: the operator disables
the trigger for that statement, on purpose and on the record.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION staffing_message_is_final() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a sent message cannot be % (staffing_message %)', lower(TG_OP), OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER staffing_message_is_final
    BEFORE UPDATE OR DELETE ON staffing_message
    FOR EACH ROW EXECUTE FUNCTION staffing_message_is_final();
"""
DROP = """
DROP TRIGGER IF EXISTS staffing_message_is_final ON staffing_message;
DROP FUNCTION IF EXISTS staffing_message_is_final();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("staffing", "0003_messages_and_outbox_backoff")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
