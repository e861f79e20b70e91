-- Monthly fee components of one premises ($premises_id), every period.
-- period: first day of the month; quantity in the basis unit (m², persons, pieces, m³, GJ);
-- rate in zł per unit; amount in zł.
WITH components AS (
    SELECT period, component, component_name, basis, quantity, rate, amount
    FROM charges
    WHERE premises_id = $premises_id
)
SELECT period, component, component_name, basis, quantity, rate, amount
FROM components
ORDER BY period, component
