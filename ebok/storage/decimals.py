"""Exact decimals in the operational store: NUMERIC(p, s) on PostgreSQL, whole units on SQLite.

SQLite has no decimal type: a NUMERIC column keeps a double, exact to about 15 digits, so a meter
state typed as 12345678901234,5678 came back as 12345678901234,5684 and 99999999999999,9999 as
100000000000000. On SQLite the column is therefore a BIGINT of units of its last decimal place
(ten-thousandths for scale 4): exact for every value of up to 18 digits (int64 holds 9.2·10^18),
and SQL still compares, sorts and sums it as numbers, which a TEXT column would not ('9' > '10').
A raw SQLite reader sees units (1320000 for 132,0000); analysts read the warehouse copy (ops.*),
which is DECIMAL(p, s). Both stores return Decimal with exactly `scale` places.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator


class DecimalUnits(TypeDecorator[Decimal]):
    """A Decimal kept as an integer count of 10^-scale (SQLite's variant of exact_decimal)."""

    impl = sa.BigInteger
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        """Hold up to PRECISION digits, SCALE of them after the decimal point."""
        super().__init__()
        self.precision = precision
        self.scale = scale

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        """Return VALUE in units; more places are rounded half away from zero, as PostgreSQL does."""
        if value is None:
            return None
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        units = number.scaleb(self.scale).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if abs(units) >= 10**self.precision:
            # PostgreSQL refuses it too ("numeric field overflow"): never store a different number.
            raise ValueError(f"{value} does not fit NUMERIC({self.precision}, {self.scale})")
        return int(units)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Return the stored units as a Decimal with exactly SCALE places."""
        return None if value is None else Decimal(int(value)).scaleb(-self.scale)


class ExactNumeric(sa.Numeric):  # type: ignore[type-arg]
    """NUMERIC whose plain numbers in SQL expressions are bound as the column's own type.

    Numeric binds `value < 100` as an Integer, which on SQLite would compare units with 100;
    bound as the column, 100 becomes 1000000 units there. Comparisons, ORDER BY, min, max and
    sum are right on both stores; arithmetic in SQL is not on SQLite (units + 1 adds one unit),
    so do it in Python with the Decimals the store returns, as e-BOK does.
    """

    def coerce_compared_value(self, op: Any, value: Any) -> sa.types.TypeEngine[Any]:
        """Return the type a number compared with this column is bound as: the column's own."""
        if op not in _ARITHMETIC and isinstance(value, int | float | Decimal):
            return self  # comparisons, IN, BETWEEN (whose bounds come with the and_ operator)
        return super().coerce_compared_value(op, value)


_ARITHMETIC = (
    operators.add,
    operators.sub,
    operators.mul,
    operators.truediv,
    operators.floordiv,
    operators.mod,
)


def exact_decimal(precision: int, scale: int) -> ExactNumeric:
    """Return the column type for a decimal of PRECISION digits, SCALE after the point, exact on both stores."""
    return ExactNumeric(precision, scale, asdecimal=True).with_variant(
        DecimalUnits(precision, scale), "sqlite"
    )


def largest(column_type: sa.Numeric) -> Decimal:  # type: ignore[type-arg]
    """Return the largest value a NUMERIC(p, s) column holds: 10^(p-s) - 10^-s, e.g. 99999999999999.9999."""
    precision, scale = column_type.precision, column_type.scale
    assert precision is not None and scale is not None, "exact columns always state both"
    return Decimal(10**precision - 1).scaleb(-scale)
