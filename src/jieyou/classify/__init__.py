"""Text classification of residents' messages into first-level categories.

``model.TextClassifier`` trains, predicts (label, calibrated confidence, top 3), saves and loads;
``store.default_model()`` is the model shipped in ``default_model/``; ``cli.model_app`` is
``jieyou model train|evaluate``. Choices and cross-validation record:
docs/decisions/0003-text-classifier.md.
"""
