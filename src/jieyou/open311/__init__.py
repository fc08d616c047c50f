"""Open311 GeoReport v2 over cases: services from the categories, requests from the cases.

``api`` (routes and the spec's errors), ``views`` (the read side), ``service`` (POST through
the normal intake), ``attributes`` (service definitions as data), ``places`` (where a posted
request is), ``privacy`` (what a public GET may show), ``formats`` (JSON and XML),
``repository`` (queries). See docs/open311.md.
"""
