-- Monthly consumption of one premises per medium (all its meters of that medium summed,
-- so a replaced meter's old and new counters add up), in the medium's unit.
SELECT
    medium,
    any_value(unit) AS unit,
    month,                           -- first day of the month
    sum(consumption) AS consumption  -- m3, GJ or kWh
FROM v_monthly_consumption
WHERE premises_id = $premises_id
GROUP BY medium, month
ORDER BY medium, month
