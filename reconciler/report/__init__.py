"""Report: every face a reader sees, rendered from results (never from sources).

Renderers (`console`, `markdown`, `junit`, `html` with `templates/`, `pdf`, `charts`, `calendar`,
`deadline`, `validation`, `text`), the acceptance materials of Art. 6 (`acceptance`, `acceptance_markdown`,
`status_markdown`), labels per language (`labels`; sentences are messages rendered by `base.messages.say`,
figures written by `base.formats`) and report files written atomically (`outputs`). May import the core, the
contract, dates, base and the history's read models (`replay`, `trends`); never a source or the CLI.
"""
