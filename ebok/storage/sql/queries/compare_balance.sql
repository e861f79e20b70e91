-- The loader's comparison (ebok.loader.compare): the total balance of all premises in zł, in the
-- warehouse served and in the new one, with the residents' sign (as v_premises_balance):
-- payments minus charges, so positive = overpayment.
SELECT
    coalesce(-(SELECT sum(amount) FROM served.ledger), 0) AS balance_before,
    coalesce(-(SELECT sum(amount) FROM incoming.ledger), 0) AS balance_after
