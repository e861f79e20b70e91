-- Monthly fee components of one premises ($premises_id), every period, unordered.
-- period: first day of the month; quantity in the basis unit (m², persons, pieces, m³, GJ);
-- rate in zł per unit; amount in zł.
-- finance.charge_components() orders them by period, component: DuckDB's sort operator costs
-- ~2.5 ms of fixed overhead on a premises' ~300 rows, Python's sort ~0.05 ms.
SELECT period, component, component_name, basis, quantity, rate, amount
FROM charges
WHERE premises_id = $premises_id
