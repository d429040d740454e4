"""spaCy side of the seam: pipeline components that annotate a Doc. Nothing here imports rdflib.

Importing this package registers the ``kg_*`` component factories and the ``Doc._`` extensions.
"""

from . import entities, figures, groups, modality, relations, roles, segmentation  # noqa: F401  (registers factories)
