-- Every resolution from the accounting export (office view), newest voting first.
SELECT resolution_id, community_id, number, title, body, file, vote_from, vote_to
FROM resolutions
ORDER BY vote_from DESC, resolution_id
