-- Booked readings of one premises, newest first, with the consumption since the previous
-- reading of the same meter (the first reading counts from the meter's initial value).
-- Values and consumption are in the meter's unit (m3, GJ, kWh); medium, serial_no and installed_on
-- name the meter for people (meters.meter_names).
WITH deltas AS (
    SELECT
        r.reading_id, r.meter_id, m.medium, m.serial_no, m.installed_on, m.unit, r.reading_date, r.value,
        r.source, r.submission_id,
        r.value - coalesce(
            lag(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.reading_date, r.reading_id),
            m.initial_value
        ) AS consumption
    FROM readings r
    JOIN meters m USING (meter_id)
    WHERE r.premises_id = $premises_id
)
SELECT *
FROM deltas
ORDER BY reading_date DESC, meter_id
