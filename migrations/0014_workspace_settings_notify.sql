-- Every change to a workspace's settings row, by any writer, tells listening app processes which
-- workspace changed, so the settings they keep in memory for opening modals are dropped at once.
CREATE FUNCTION "notify_workspace_settings_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('workspace_settings_changed', coalesce(NEW."team_id", OLD."team_id"));
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "workspace_settings_changed"
  AFTER INSERT OR UPDATE OR DELETE ON "workspace_settings"
  FOR EACH ROW EXECUTE FUNCTION "notify_workspace_settings_changed"();
