"""Which test modules test a source file: named after it, then importing it."""

from __future__ import annotations

from bot.context.tested import imported, module_name, modules_testing, named_after


def test_a_module_name_leaves_out_the_src_folder_and_init() -> None:
    assert module_name("src/shop/cart.py") == "shop.cart"
    assert module_name("shop/__init__.py") == "shop"
    assert module_name("web/cart.js") is None


def test_imports_name_modules_and_the_modules_imported_from_a_package() -> None:
    text = ("import shop.cart as c, os\nfrom shop import (\n    limits,\n    log)\n"
            "from shop.cart import add  # noqa\n")
    assert {"shop.cart", "os", "shop", "shop.limits", "shop.log", "shop.cart.add"} <= imported(
        text)


def test_tests_named_after_the_file_come_first_nearest_folder_first() -> None:
    tests = ["tests/other/test_cart.py", "shop/tests/test_cart.py", "tests/test_cart_totals.py",
             "tests/test_carts.py"]
    assert named_after("shop/cart.py", tests) == [
        "shop/tests/test_cart.py", "tests/other/test_cart.py", "tests/test_cart_totals.py"]


def test_a_base_class_module_is_tested_by_the_module_named_for_what_it_is_the_base_of() -> None:
    assert named_after("pkg/base_optimizer.py", ["pkg/optimizer_test.py"]) == [
        "pkg/optimizer_test.py"]


def test_a_test_module_that_imports_the_file_tests_it() -> None:
    files = {"shop/overlap.py": "", "shop/tests/test_atop.py": "from shop.overlap import f\n",
             "shop/tests/test_misc.py": "import shop\n# overlap\n"}
    found = modules_testing(["shop/overlap.py"], files, files)
    assert found == (("shop/overlap.py", ("shop/tests/test_atop.py",)),)
