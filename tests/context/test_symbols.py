"""The symbol index finds definitions, not uses, in Python and in keyword languages."""

from __future__ import annotations

from bot.context.symbols import SymbolIndex

PYTHON = """import os


class CouponBook:
    def redeem(self, code):
        return apply_coupon(code)

    async def refresh(self):
        pass


def apply_coupon(code):  # used above, defined here
    return code
"""

JAVASCRIPT = """export default async function formatPrice(value) {
  return value;
}
const total = function computeTotal(items) { return items; };
export const cartBadge = (items) => formatPrice(items);
  static renderBadge() {}
xfunction notADefinition() {}
"""

GO = """package cart

func (c *Cart) AddItem(item Item) error {
\treturn nil
}

type Cart struct{}
"""

RUST = "pub fn parse_header(raw: &str) -> Header {\n    todo!()\n}\npub(crate) fn hidden() {}\n"


def index(names: list[str]) -> SymbolIndex:
    return SymbolIndex({"shop/coupons.py": PYTHON, "web/price.js": JAVASCRIPT,
                        "cart/cart.go": GO, "src/header.rs": RUST}, names)


def test_python_classes_functions_and_async_methods_are_definitions_with_their_lines() -> None:
    found = index(["CouponBook", "redeem", "refresh", "apply_coupon"])
    assert {n: found.defining(n) for n in ("couponbook", "redeem", "refresh", "apply_coupon")} \
        == dict.fromkeys(("couponbook", "redeem", "refresh", "apply_coupon"), ["shop/coupons.py"])
    assert found.lines("shop/coupons.py", ["apply_coupon", "CouponBook"]) == [4, 12]


def test_keyword_languages_allow_only_modifiers_before_the_keyword() -> None:
    found = index(["formatPrice", "computeTotal", "cartBadge", "renderBadge", "notADefinition"])
    assert found.defining("formatprice") == ["web/price.js"]  # export default async function
    assert found.defining("cartbadge") == ["web/price.js"]  # export const
    assert found.defining("computetotal") == []  # after "const total =": an expression
    assert found.defining("renderbadge") == []  # no keyword
    assert found.defining("notadefinition") == []  # the keyword inside a longer word
    assert found.lines("web/price.js", ["formatPrice", "cartBadge"]) == [1, 5]


def test_go_receivers_and_rust_pub_functions_are_definitions() -> None:
    found = index(["AddItem", "Cart", "parse_header", "hidden"])
    assert found.defining("additem") == ["cart/cart.go"]
    assert found.lines("cart/cart.go", ["Cart"]) == [7]
    assert found.defining("parse_header") == ["src/header.rs"]
    assert found.lines("src/header.rs", ["parse_header"]) == [1]  # the file's first line
    assert found.defining("hidden") == []  # "pub(crate)" is no modifier word


def test_names_match_definitions_in_any_case() -> None:
    assert index(["couponbook"]).defining("CouponBook") == ["shop/coupons.py"]


def test_a_class_in_a_docstrings_example_is_no_definition() -> None:
    files = {"shop/bases.py": ('def strip_bases(defn):\n'
                               '    """Remove extra bases, for example from this class:\n\n'
                               '      class CouponBook(Base, Generic[T]): ...\n'
                               '    """\n'),
             "shop/coupons.py": "class CouponBook:\n    pass\n"}
    assert SymbolIndex(files, ["CouponBook"]).defining("CouponBook") == ["shop/coupons.py"]


def test_a_definition_spelt_otherwise_counts_for_ranking_but_has_no_exact_line() -> None:
    found = index(["couponbook"])
    assert found.lines("shop/coupons.py", ["couponbook"]) != []
    assert found.lines("shop/coupons.py", ["couponbook"], exact=True) == []
    assert found.lines("shop/coupons.py", ["CouponBook"], exact=True) != []
