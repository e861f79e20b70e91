-- Submissions of one premises already booked by the nightly load (readings carry the
-- e-BOK submission id they came from).
SELECT submission_id, reading_id, reading_date, value
FROM readings
WHERE premises_id = $premises_id AND submission_id IS NOT NULL
