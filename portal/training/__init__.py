"""The training journeys: trainees learn and prove it, anyone verifies a certificate, coordinators and trainers
author, schedule, enrol and report. Every page reads and writes through the training API with the person's token."""

from flask import Flask


def register(app: Flask) -> None:
    from portal.training import authoring, bulk, learning, names, reports

    app.jinja_env.filters.update(training_state=names.training_state, day=names.day)

    for blueprint in (learning.blueprint, learning.public, authoring.blueprint, bulk.blueprint, reports.blueprint):
        app.register_blueprint(blueprint)
