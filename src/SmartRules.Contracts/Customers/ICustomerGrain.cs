namespace SmartRules.Contracts.Customers;

/// <summary>One customer of one tenant; key: <see cref="CustomerKey.Format"/>.</summary>
[Alias("SmartRules.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>Applies one external change, runs the rules, and answers once the result is durable.</summary>
    [Alias("Apply")]
    Task<CustomerUpdateResult> ApplyAsync(CustomerUpdateCommand update);

    /// <summary>
    /// <see cref="ApplyAsync"/> for streams of updates, whose callers want only the outcome: the answer carries the
    /// status and any problems, but not the customer or the rules that fired (building and copying those cost a busy
    /// silo more than the rest of the answer).
    /// </summary>
    [Alias("Ingest")]
    Task<CustomerUpdateResult> IngestAsync(CustomerUpdateCommand update);

    /// <summary>
    /// Applies one backfill to this customer, at most once: a customer remembers the backfills it has applied, so a
    /// page delivered again after a silo loss changes nothing.
    /// </summary>
    [Alias("ApplyBackfill")]
    Task<Backfills.BackfillOutcome> ApplyBackfillAsync(Backfills.BackfillWork work);

    /// <summary>
    /// POST /api/explain: runs the update through exactly the code of <see cref="ApplyAsync"/> (merge, rounds, first
    /// rule wins, cascade) with an evaluation trace, and writes nothing — no state, audit, outbox or sequence. A
    /// customer that does not exist is evaluated as a new one (and its grain, activated empty, stores nothing).
    /// </summary>
    [Alias("Explain")]
    Task<Advisor.ExplainResult> ExplainAsync(Advisor.ExplainCommand command);

    /// <summary>The customer, or <c>null</c> when it does not exist.</summary>
    [Alias("Get")]
    Task<CustomerView?> GetAsync();

    /// <summary>The most recent audit entries, oldest first, read from the audit table.</summary>
    [Alias("RecentAudit")]
    Task<IReadOnlyList<AuditRecord>> GetRecentAuditAsync();
}
