"""The module path under which stacks created before the layout move pickled the Pulumi provider classes.

The Pulumi SDK records each dynamic resource's provider as a pickle *by reference* (`__provider`: module and
class name). States written before the package moved into layer folders name `reconciler.pulumi_provider`;
`pulumi refresh`, `preview --refresh` and deleting a resource unpickle that reference, so this alias keeps those
stacks working without an update. Nothing else imports it; new states name reconciler.integrations.pulumi.
"""

from __future__ import annotations

from reconciler.integrations.pulumi import ExpansionProvider, LineItemProvider

__all__ = ["ExpansionProvider", "LineItemProvider"]
