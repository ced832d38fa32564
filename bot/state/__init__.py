"""planbot's state in Redis, and the connection to it that the web tier and the worker share.

One small class per piece, each on the queue's connection (bot.run.wiring.state_in):

- `issue_lock.IssueLocks`: one run per issue (`planbot:lock:<repo>#<n>`)
- `trigger_labels.TriggerLabels`: each repository's trigger labels, which the edge reads
  (`planbot:trigger-labels:<repo>`)
- `refusals.Refusals`: one refusal per person per issue an hour
  (`planbot:refused:<repo>#<n>:<login>`)
- `document_cache.DocumentCache`: plan documents by git blob id (`planbot:doc:<sha>`)
- `github_budget.InstallationBudget`: each installation's GitHub budget
  (`planbot:github:<installation>:writes`, `:blocked`, `:line`, `:searches`,
  `:search-blocked`)
- `monthly_spend.MonthlySpend`: each installation's estimated model spend this month
  (`planbot:spend:<YYYY-MM>`)

What each does without Redis, or while Redis fails, follows one rule: `fallback.RedisState`.
The workers' metrics (`planbot:metrics`) are bot.observe.metrics'; RQ's keys are RQ's own.
"""
