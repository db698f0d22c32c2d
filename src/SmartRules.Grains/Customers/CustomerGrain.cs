using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SmartRules.Contracts;
using SmartRules.Contracts.Backfills;
using SmartRules.Contracts.Customers;
using SmartRules.Grains.Backfills;
using SmartRules.Domain.Customers;
using SmartRules.Domain.Evaluation;
using SmartRules.Domain.Rules;
using SmartRules.Domain.Rules.Actions;
using SmartRules.Grains.Notifications;
using SmartRules.Grains.Rules;
using SmartRules.Grains.Telemetry;
using SmartRules.Grains.Tenants;
using SmartRules.Persistence.Audit;
using SmartRules.Persistence.Customers;
using SmartRules.Persistence.Notifications;

namespace SmartRules.Grains.Customers;

/// <summary>
/// One customer of one tenant. It applies each update with the merge and sequence rules of the contract, runs the
/// tenant's rules through <see cref="CustomerProcessor"/>, applies their actions to itself, renders the notifications
/// they ask for, and answers only after the new state, its audit entries and its outbox rows are committed together
/// by the group-commit store. An excluded customer refuses every later update.
/// </summary>
public sealed class CustomerGrain(
    [FromKeyedServices(GrainStorageNames.Customers)] IGrainStorage storage,
    TenantRuntimeCache tenants,
    NotificationRenderer renderer,
    AuditStore audit,
    StringPool pool,
    BackfillPlanCache plans,
    NewCustomerOdds odds,
    TimeProvider time) : Grain, ICustomerGrain
{
    /// <summary>How many entries <see cref="GetRecentAuditAsync"/> returns.</summary>
    public const int RecentAuditCount = 20;

    /// <summary>The tenant and customer ids of this grain, parsed from its key once per activation (kept on the state, which
    /// the storage's writes use too).</summary>
    private (string TenantId, string CustomerId) Key => State.KeyOf(this.GetGrainId());

    /// <summary>The name of the state in its storage (what the <c>[PersistentState]</c> facet named it before).</summary>
    internal const string StateName = "customer";

    /// <summary>
    /// The state, read by <see cref="LoadAsync"/> when a call first needs it and written by <see cref="WriteStateAsync"/> through the grain storage
    /// registered as <see cref="GrainStorageNames.Customers"/> — ours (the group commit), or any other provider, such as the
    /// stock ADO.NET one the load bench compares with. Called directly rather than through Orleans' <c>IPersistentState</c>
    /// facet: its bridge added two async layers to every write (a state machine and a continuation each) and, to every
    /// activation, the facet's construction and a lifecycle stage (docs/benchmarks.md, change 24).
    /// </summary>
    private readonly GrainState<CustomerState> _stored = new(new CustomerState());

    /// <summary>Never null: set here, and put back by <see cref="LoadAsync"/> if a provider's read left none.</summary>
    private CustomerState State => _stored.State!;

    /// <summary>Whether <see cref="State"/> holds what is stored: read, or written, since the grain activated.</summary>
    private bool _loaded;

    /// <summary>Set when a creation written without a read found the customer's row, until the row is read and that counted.</summary>
    private bool _creationFoundRow;

    /// <summary>
    /// The state is read when a call first needs it, not when the grain activates: an update that activates the grain of
    /// a customer that is most likely new (an import, <see cref="NewCustomerOdds"/>) is written as a creation without
    /// the read that would find nothing (<see cref="ApplyAsync(CustomerUpdateCommand, bool)"/>).
    /// </summary>
    private async ValueTask LoadAsync()
    {
        if (_loaded) return;
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _stored);
        // A provider that found nothing may leave no state object (ours fills the one it is given).
        _stored.State ??= new CustomerState();
        State.Settle();
        _loaded = true;
    }

    private Task WriteStateAsync() => storage.WriteStateAsync(StateName, this.GetGrainId(), _stored);

    public Task<CustomerUpdateResult> ApplyAsync(CustomerUpdateCommand update) => ApplyAsync(update, withCustomer: true);

    public Task<CustomerUpdateResult> IngestAsync(CustomerUpdateCommand update) => ApplyAsync(update, withCustomer: false);

    /// <summary>
    /// Applies an update. On a grain that has not read its state yet, while the tenant's recent activations were mostly new
    /// customers, the update is first applied as to a new customer (the state as it is before any read: the contract's
    /// new-customer default) and written as a creation, an insert that fails if the customer has a row after all; only a
    /// creation so written is answered. Otherwise — a row exists, or the update would not create the customer (refused,
    /// or changing nothing) — nothing was written, the state is put back, and the update is applied again to the state
    /// read from the store, as it always is when the odds favour reading first.
    /// </summary>
    private Task<CustomerUpdateResult> ApplyAsync(CustomerUpdateCommand update, bool withCustomer)
    {
        ArgumentNullException.ThrowIfNull(update);
        // A loaded grain (every update after its first) goes straight to the one async layer of an update: each layer more
        // costs a state machine and a continuation per update (docs/benchmarks.md, change 23).
        return _loaded ? ApplyLoadedAsync(update, withCustomer, creating: false)! : ApplyFirstAsync(update, withCustomer);
    }

    /// <summary>The first update since the grain activated: a guessed creation, or a read first (see above).</summary>
    private async Task<CustomerUpdateResult> ApplyFirstAsync(CustomerUpdateCommand update, bool withCustomer)
    {
        var tenantId = Key.TenantId;
        if (odds.FavourCreation(tenantId) && await ApplyLoadedAsync(update, withCustomer, creating: true) is { } created)
        {
            odds.Observe(tenantId, FirstLoad.CreatedWithoutRead);
            return created;
        }

        await LoadAsync();
        odds.Observe(tenantId, _creationFoundRow ? FirstLoad.CreationFoundRow : State.Exists ? FirstLoad.ReadStored : FirstLoad.ReadNew);
        _creationFoundRow = false;
        return (await ApplyLoadedAsync(update, withCustomer, creating: false))!;
    }

    /// <summary>
    /// Applies an update to <see cref="State"/>. <paramref name="creating"/>: the state was not read, so only a creation
    /// that its write finds no row for is answered; anything else answers <c>null</c> with the state as it was and nothing
    /// written or counted.
    /// </summary>
    private async Task<CustomerUpdateResult?> ApplyLoadedAsync(CustomerUpdateCommand update, bool withCustomer, bool creating)
    {
        var (tenantId, customerId) = Key;
        var current = State;

        if (update.Sequence is { } sequence && current.LastSequence is { } last && sequence <= last)
        {
            SmartRulesMetrics.Update("stale");
            return Answer(CustomerUpdateStatus.Stale, current, [], withCustomer);
        }

        // Read once: the state holds the customer's values in place and makes a snapshot of them on each read.
        var customer = current.Customer;
        if (customer is { Excluded: true })
        {
            SmartRulesMetrics.Update("rejected");
            return Answer(CustomerUpdateStatus.Excluded, current, [], withCustomer);
        }

        var tenant = await tenants.GetAsync(tenantId);
        var problems = new List<FieldProblem>();
        var domainUpdate = update.ToDomain(problems);
        if (domainUpdate.CustomFields is { } fields) domainUpdate = domainUpdate with { CustomFields = pool.Share(fields) };
        var checkProblems = CustomerUpdateChecks.Check(domainUpdate, tenant.Directory, tenant.RatingSource, out domainUpdate);
        foreach (var problem in checkProblems) problems.Add(problem.ToContract());
        if (problems.Count > 0)
        {
            if (creating) return null;
            SmartRulesMetrics.Update("rejected");
            return new CustomerUpdateResult(CustomerUpdateStatus.Invalid, withCustomer ? customer?.ToView(current.Version) : null, [], problems);
        }

        var outcome = CustomerProcessor.Apply(customer, customerId, domainUpdate, tenant.Rules, tenant.Directory, tenant.RatingSource);
        if (creating && outcome.Status != ChangeStatus.Created) return null;
        var saved = current.Save();
        try
        {
            if (update.Sequence is { } applied) current.LastSequence = applied;
            if (outcome.Changed) Stage(current, outcome, tenantId, customerId);
            // Nothing changed: only a new sequence is worth a write, so that a later retry of it is known as stale.
            if (outcome.Changed || current.LastSequence != saved.LastSequence) await WriteStateAsync();
            current.Settle();
        }
        catch (InconsistentStateException) when (creating)
        {
            // The customer has a row: nothing was written (the insert found it), and the update is applied to what is read.
            current.Restore(saved);
            _creationFoundRow = true;
            return null;
        }
        catch
        {
            Unwritten(current, saved);
            throw;
        }

        _loaded = true;

        if (!outcome.Changed)
        {
            SmartRulesMetrics.Update("unchanged");
            return Answer(CustomerUpdateStatus.Unchanged, State, [], withCustomer);
        }

        InAppSent(outcome);
        var status = outcome.Status == ChangeStatus.Created ? CustomerUpdateStatus.Created : CustomerUpdateStatus.Updated;
        SmartRulesMetrics.Update(status == CustomerUpdateStatus.Created ? "created" : "updated");
        SmartRulesMetrics.Evaluated(outcome.Rounds, outcome.Firings);
        return Answer(status, State, outcome.Firings, withCustomer);
    }

    public async Task<BackfillOutcome> ApplyBackfillAsync(BackfillWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await LoadAsync();
        var current = State;
        if (current.Customer is not { } customer) return BackfillOutcome.Missing;
        if (current.AppliedBackfills.Contains(work.BackfillId)) return BackfillOutcome.AlreadyApplied;
        if (customer.Excluded) return BackfillOutcome.Excluded;

        var (tenantId, customerId) = Key;
        var tenant = await tenants.GetAsync(tenantId);
        var plan = plans.Get(tenantId, work, tenant.Directory);
        ChangeOutcome outcome;
        if (work.Request.Kind == BackfillKind.BulkAction)
        {
            if (!plan.Filter.All(c => c.Matches(customer))) return BackfillOutcome.NotMatched;
            outcome = CustomerProcessor.Apply(customer, customerId, BulkUpdate(work.Request, customer, tenant.Directory), tenant.Rules, tenant.Directory, tenant.RatingSource, $"bulk action {work.BackfillId}");
            if (!outcome.Changed) return BackfillOutcome.Unchanged;
        }
        else
        {
            outcome = CustomerProcessor.ApplyExisting(customer, plan.Rules, tenant.Rules, tenant.Directory);
            if (!outcome.Changed) return BackfillOutcome.NotMatched;
        }

        var saved = current.Save();
        try
        {
            Stage(current, outcome, tenantId, customerId);
            current.AppliedBackfills = [.. current.AppliedBackfills.TakeLast(CustomerState.AppliedBackfillsKept - 1), work.BackfillId];
            await WriteStateAsync();
            current.Settle();
        }
        catch
        {
            Unwritten(current, saved);
            throw;
        }

        InAppSent(outcome);
        SmartRulesMetrics.Evaluated(outcome.Rounds, outcome.Firings);
        return BackfillOutcome.Applied;
    }

    /// <summary>The change a bulk action makes to one customer: the workflow, or users added and removed (also its dry run).</summary>
    public static CustomerUpdate BulkUpdate(BackfillRequest request, CustomerSnapshot customer, Domain.Tenants.TenantDirectory directory)
    {
        if (request.WorkflowId is { } workflow) return new CustomerUpdate { Workflow = workflow };
        string Canonical(string email) => directory.TryResolveUser(email, out var user) ? user : email;
        var users = customer.AssignedUsers.Union((request.AddUsers ?? []).Select(Canonical)).Except(request.RemoveUsers ?? []);
        return new CustomerUpdate { AssignedUsers = users.ToArray() };
    }

    /// <summary>Reads this grain's state and the tenant's rules, and changes neither (see <see cref="Advisor.Explainer"/>).</summary>
    public async Task<Contracts.Advisor.ExplainResult> ExplainAsync(Contracts.Advisor.ExplainCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await LoadAsync();
        var (tenantId, customerId) = Key;
        var current = State;
        var tenant = await tenants.GetAsync(tenantId);
        return Advisor.Explainer.Explain(current.Customer, current.Version, customerId, command, tenant);
    }

    public async Task<CustomerView?> GetAsync()
    {
        await LoadAsync();
        return State.Customer?.ToView(State.Version);
    }

    public Task<IReadOnlyList<AuditRecord>> GetRecentAuditAsync()
    {
        var (tenantId, customerId) = Key;
        return audit.ListRecentAsync(tenantId, customerId, RecentAuditCount, CancellationToken.None);
    }

    /// <summary>
    /// Stages on the state the changed customer, its audit entries and its rendered notifications. The state is changed in
    /// place: a caller takes <see cref="CustomerState.Save"/> before and puts it back if this or the write fails, so that
    /// until the grain deactivates it answers from the state it had (not acknowledged; a retry with the same sequence
    /// after the reload is stale if the write had in fact committed).
    /// </summary>
    private void Stage(CustomerState changed, ChangeOutcome outcome, string tenantId, string customerId)
    {
        // PostgreSQL keeps microseconds: audit times read back later equal the ones answered now.
        var clock = time.GetUtcNow();
        var now = new DateTimeOffset(clock.UtcTicks - clock.UtcTicks % 10, TimeSpan.Zero);
        changed.Customer = outcome.Customer;
        changed.PendingAudit = outcome.Audit.Count == 0 ? null : outcome.Audit.ToAuditChange(outcome.Status == ChangeStatus.Created, now);
        var newVersion = changed.Version + 1;
        if (outcome.Notifications.Count == 0)
        {
            changed.PendingOutbox = [];
            return;
        }

        var outbox = new OutboxMessage[outcome.Notifications.Count];
        for (var i = 0; i < outbox.Length; i++)
        {
            var n = outcome.Notifications[i];
            outbox[i] = new OutboxMessage(
                FiringKey(tenantId, customerId, newVersion, n.RuleId, i),
                tenantId,
                customerId,
                n.RuleId,
                n.RuleVersion,
                RuleVocabulary.Name(n.Channel),
                n.Recipient,
                n.SubjectTemplate is null ? null : renderer.Render(n.SubjectTemplate, n.Customer),
                renderer.Render(n.BodyTemplate, n.Customer),
                now);
        }

        changed.PendingOutbox = outbox;
    }

    /// <summary>
    /// After a change failed to be staged or written: the state is put back as it was before the change, and since the write may even
    /// have committed before its reply was lost, the grain deactivates so that its next call starts again from what is
    /// stored. The state is written by the callers themselves (not through a helper of its own): each async layer of a
    /// write that waits for the group commit costs a state machine and a continuation per update (docs/benchmarks.md,
    /// change 23).
    /// </summary>
    private void Unwritten(CustomerState current, CustomerState.Saved saved)
    {
        current.Restore(saved);
        DeactivateOnIdle();
    }

    /// <summary>An in-app notification is delivered by being stored: counted as sent once its change is written.</summary>
    private static void InAppSent(ChangeOutcome outcome)
    {
        for (var i = 0; i < outcome.Notifications.Count; i++)
        {
            if (outcome.Notifications[i].Channel == NotificationChannel.InApp) SmartRulesMetrics.Notification("inApp", "sent");
        }
    }

    private static CustomerUpdateResult Answer(CustomerUpdateStatus status, CustomerState state, IReadOnlyList<RuleFiring> firings, bool withCustomer) =>
        withCustomer ? new(status, state.Customer?.ToView(state.Version), [.. firings.Select(f => f.ToContract())], []) : Outcomes[(int)status];

    /// <summary>The answers without the customer, one per status: immutable, so shared.</summary>
    private static readonly CustomerUpdateResult[] Outcomes =
        [.. Enum.GetValues<CustomerUpdateStatus>().Order().Select(status => new CustomerUpdateResult(status, null, [], []))];

    private const byte Separator = 0xFF;

    /// <summary>
    /// The firing's idempotency key: the same customer version and rule always give the same id. A 128-bit XxHash of
    /// tenant, customer, version, rule and place (UTF-8, separated by 0xFF, a byte UTF-8 never contains, so no two
    /// different firings read as the same bytes): ids need to be stable and distinct, not
    /// secret, and SHA-256 through OpenSSL cost ~2.5 % of a firing-heavy update's CPU (docs/benchmarks.md, change 16).
    /// </summary>
    internal static Guid FiringKey(string tenantId, string customerId, long version, string ruleId, int index)
    {
        var most = Encoding.UTF8.GetMaxByteCount(tenantId.Length + customerId.Length + ruleId.Length) + 2 * 20 + 4;
        byte[]? rented = null;
        var buffer = most <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(most));
        try
        {
            var n = Encoding.UTF8.GetBytes(tenantId, buffer);
            buffer[n++] = Separator;
            n += Encoding.UTF8.GetBytes(customerId, buffer[n..]);
            buffer[n++] = Separator;
            version.TryFormat(buffer[n..], out var written, default, CultureInfo.InvariantCulture);
            n += written;
            buffer[n++] = Separator;
            n += Encoding.UTF8.GetBytes(ruleId, buffer[n..]);
            buffer[n++] = Separator;
            index.TryFormat(buffer[n..], out written, default, CultureInfo.InvariantCulture);
            n += written;
            Span<byte> hash = stackalloc byte[16];
            XxHash128.Hash(buffer[..n], hash);
            return new Guid(hash);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
