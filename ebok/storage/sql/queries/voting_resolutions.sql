-- Resolutions from the accounting export for one community (vote_from/vote_to: local time).
SELECT resolution_id, community_id, number, title, body, file, vote_from, vote_to
FROM resolutions
WHERE community_id = $community_id
ORDER BY vote_from DESC, resolution_id
