"""Packaging details pyproject.toml cannot say: the built-in templates and assets live at the top of
the repository (the client's layout) and travel inside the package as bantin/builtin/ once installed
(bantin/builtin.py finds them in either place)."""

from setuptools import find_packages, setup

BUILTIN = {"bantin.builtin.templates": "templates", "bantin.builtin.assets": "assets"}

setup(packages=find_packages(include=["bantin", "bantin.*"]) + list(BUILTIN),
      package_dir=BUILTIN,
      package_data={**{name: ["**/*"] for name in BUILTIN},
                    "bantin": ["locale/*/LC_MESSAGES/*.mo"]})  # messages in Vietnamese (bantin/messages.py)
