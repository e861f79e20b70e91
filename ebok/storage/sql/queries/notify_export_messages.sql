-- Messages of the accounting export published on or after $since and still valid on $today.
SELECT message_id, audience, target, published_on, subject
FROM messages
WHERE published_on >= $since AND published_on <= $today AND (valid_until IS NULL OR valid_until >= $today)
ORDER BY published_on, message_id
