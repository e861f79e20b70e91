-- Meters mounted on $today with the day of their newest booked reading (dates are calendar dates).
SELECT m.meter_id, m.premises_id, m.medium, m.serial_no, m.legalisation_until,
       max(r.reading_date) AS last_reading
FROM meters m
LEFT JOIN readings r USING (meter_id)
WHERE m.removed_on IS NULL OR m.removed_on > $today
GROUP BY m.meter_id, m.premises_id, m.medium, m.serial_no, m.legalisation_until
ORDER BY m.premises_id, m.meter_id
