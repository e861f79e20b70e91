-- Meters of one premises with their last booked reading.
-- Values are in the meter's unit (m3, GJ, kWh); dates are calendar dates.
WITH last_reading AS (
    SELECT
        meter_id,
        arg_max(value, reading_date) AS last_value,  -- latest booked meter state
        max(reading_date) AS last_date
    FROM readings
    WHERE premises_id = $premises_id
    GROUP BY meter_id
)
SELECT
    m.meter_id, m.medium, m.serial_no, m.unit, m.installed_on, m.removed_on,
    m.legalisation_until, m.initial_value, l.last_value, l.last_date
FROM meters m
LEFT JOIN last_reading l USING (meter_id)
WHERE m.premises_id = $premises_id
ORDER BY (m.removed_on IS NOT NULL), m.medium, m.installed_on, m.meter_id
