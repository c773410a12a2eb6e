"""Demo territory of Nantes Métropole's ESS: 300+ organisations, 200+ needs and offers, and one
login per role. `flask demo` and scripts/load_demo.py call `load_demo`."""

from seed.demo.loader import DemoSummary, build_specs, load_demo

__all__ = ["DemoSummary", "build_specs", "load_demo"]
