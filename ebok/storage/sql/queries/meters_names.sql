-- What names the meters $meter_ids (a list) for the office: medium and serial number, and where the
-- meter is (its premises' address) to tell apart two meters of one medium with the same serial.
SELECT
    m.meter_id, m.premises_id, m.medium, m.serial_no, m.installed_on,
    p.street || ' ' || p.building_no || coalesce('/' || nullif(p.unit_no, ''), '') AS place
FROM meters m
LEFT JOIN premises p USING (premises_id)
WHERE list_contains($meter_ids, m.meter_id)
ORDER BY m.meter_id
