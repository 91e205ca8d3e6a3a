//! Documents: HTML templates, SVG charts, PDF, i18n catalogs.
