"""The incubation-program learning management system; ``lms.app.create_app`` builds it."""
