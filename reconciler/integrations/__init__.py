"""Integrations: the reconciler inside other tools' engines.

`pulumi` (the dynamic provider behind `stacks/` and the policy pack in `policies/`): the only module that
imports the Pulumi SDK. May import the app's pipeline and every layer below it; nothing imports it but
`stacks/` and `policies/`.
"""
