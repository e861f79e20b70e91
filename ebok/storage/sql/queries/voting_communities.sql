-- Communities served by the manager, for the office's resolution form.
SELECT community_id, name FROM communities ORDER BY name, community_id
