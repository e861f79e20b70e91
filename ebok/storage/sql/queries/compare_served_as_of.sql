-- The loader's comparison (ebok.loader.compare): when the data served were exported (their
-- "data as of", from meta); the months before that one are closed.
SELECT max(exported_at) AS exported_at FROM served.meta
