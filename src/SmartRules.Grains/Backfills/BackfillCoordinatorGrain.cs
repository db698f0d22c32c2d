using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartRules.Contracts.Backfills;
using SmartRules.Contracts.Customers;
using SmartRules.Contracts.Rules;
using SmartRules.Contracts.Tenants;
using SmartRules.Grains.Telemetry;
using SmartRules.Grains.Tenants;
using SmartRules.Persistence.Customers;

namespace SmartRules.Grains.Backfills;

/// <summary>
/// Runs one backfill. It selects, through the customers table, only the non-excluded customers whose conditions (and,
/// for a threshold rule, whose current value) can match, a keyset page at a time — never all ids at once — and hands
/// each page to the customer grains with bounded concurrency by direct calls: each call says what it did, so the page
/// is known to be done before the checkpoint moves past it (in-memory streams would lose in-flight items with a silo
/// and need an acknowledgement channel of their own). After a silo loss the reminder re-activates the coordinator,
/// which resumes after its checkpoint; customers remember the backfills they applied, so the page in progress at the
/// loss is delivered again without effect on those already done.
/// </summary>
public sealed partial class BackfillCoordinatorGrain(
    [PersistentState("backfill", GrainStorageNames.Backfills)] IPersistentState<BackfillState> state,
    IGrainFactory grains,
    TenantRuntimeCache tenants,
    BackfillQueries queries,
    IOptions<BackfillOptions> options,
    ILogger<BackfillCoordinatorGrain> logger) : Grain, IBackfillCoordinatorGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private readonly List<Channel<BackfillProgress>> _watchers = [];
    private Task? _run;
    private TaskCompletionSource? _cancelled;

    private (string TenantId, string BackfillId) Key => BackfillKey.Parse(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Status == BackfillStatus.Running && state.State.Request is not null) StartLoop();
        return Task.CompletedTask;
    }

    public async Task<BackfillProgress> StartAsync(BackfillRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (state.State.Request is not null) return Progress();
        var (tenantId, _) = Key;
        var pinned = new List<RuleRecord>();
        var rules = grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenantId));
        if (request.Kind == BackfillKind.Rule)
        {
            if (await rules.GetAsync(request.RuleId ?? "") is { } rule) pinned.Add(rule);
        }
        else if (request.Kind == BackfillKind.AllActiveRules)
        {
            pinned.AddRange((await rules.GetSnapshotAsync()).Rules.Where(r => r.Active));
        }

        state.State.Request = request;
        state.State.PinnedRules = pinned;
        var plan = await PlanAsync();
        if (plan is null)
        {
            state.State.Status = BackfillStatus.Failed;
            state.State.Error ??= "the rule to backfill does not exist";
        }
        else
        {
            state.State.Status = BackfillStatus.Running;
            state.State.Total = await queries.CountAsync(tenantId, plan.CandidatesSql, CancellationToken.None);
        }

        await state.WriteOrDeactivateAsync(this);
        if (state.State.Status == BackfillStatus.Running)
        {
            await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
            StartLoop();
        }

        return Progress();
    }

    public Task<BackfillProgress?> GetProgressAsync() =>
        Task.FromResult(state.State.Request is null ? null : Progress());

    public async Task<bool> CancelAsync()
    {
        if (state.State.Status != BackfillStatus.Running) return false;
        _cancelled ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StartLoop();
        await _cancelled.Task; // the loop stops at the next page boundary and writes the cancellation
        return true;
    }

    public async IAsyncEnumerable<BackfillProgress> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<BackfillProgress>();
        _watchers.Add(channel);
        try
        {
            yield return Progress();
            if (state.State.Status != BackfillStatus.Running) yield break;
            await foreach (var progress in channel.Reader.ReadAllAsync(cancellationToken)) yield return progress;
        }
        finally
        {
            _watchers.Remove(channel);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Status == BackfillStatus.Running) StartLoop();
        else return StopReminderAsync();
        return Task.CompletedTask;
    }

    private void StartLoop()
    {
        if (_run is null || _run.IsCompleted) _run = RunAsync();
    }

    private async Task RunAsync()
    {
        var (tenantId, backfillId) = Key;
        try
        {
            var plan = await PlanAsync() ?? throw new InvalidOperationException(state.State.Error);
            var work = new BackfillWork(backfillId, state.State.Request!, state.State.PinnedRules);
            Task<IReadOnlyList<string>> Page(string? after) =>
                queries.PageAsync(tenantId, plan.CandidatesSql, after, options.Value.PageSize, CancellationToken.None);
            var nextPage = Page(state.State.Checkpoint);
            while (state.State.Status == BackfillStatus.Running)
            {
                if (_cancelled is not null || await RuleWithdrawnAsync(tenantId))
                {
                    state.State.Status = BackfillStatus.Cancelled;
                    break;
                }

                var ids = await nextPage;
                if (ids.Count == 0)
                {
                    state.State.Status = BackfillStatus.Completed;
                    break;
                }

                // The next page is read while this one is delivered (its ids all come after this page's last one, which
                // delivering this page cannot change); the checkpoint still moves only once a page is fully delivered.
                nextPage = Page(ids[^1]);
                var outcomes = await DeliverAsync(tenantId, ids, work);
                foreach (var outcome in outcomes) SmartRulesMetrics.Backfill(outcome.ToString());
                state.State.Processed += ids.Count;
                state.State.Matched += outcomes.Count(o => o is BackfillOutcome.Applied or BackfillOutcome.AlreadyApplied or BackfillOutcome.Unchanged);
                state.State.Applied += outcomes.Count(o => o is BackfillOutcome.Applied or BackfillOutcome.AlreadyApplied);
                state.State.Checkpoint = ids[^1];
                await state.WriteOrDeactivateAsync(this);
                Publish();
            }

            await state.WriteOrDeactivateAsync(this);
            await StopReminderAsync();
        }
        catch (Exception e)
        {
            // Left running: the reminder tries again from the checkpoint.
            LogPageFailed(logger, e, tenantId, backfillId);
        }
        finally
        {
            Publish();
            if (state.State.Status != BackfillStatus.Running)
            {
                _cancelled?.TrySetResult();
                foreach (var watcher in _watchers.ToArray()) watcher.Writer.TryComplete();
            }
        }
    }

    private async Task<BackfillOutcome[]> DeliverAsync(string tenantId, IReadOnlyList<string> ids, BackfillWork work)
    {
        using var slots = new SemaphoreSlim(options.Value.Concurrency);
        return await Task.WhenAll(ids.Select(async id =>
        {
            await slots.WaitAsync();
            try
            {
                return await grains.GetCustomer(tenantId, id).ApplyBackfillAsync(work);
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    /// <summary>Deactivating or deleting the rule being backfilled cancels the backfill.</summary>
    private async Task<bool> RuleWithdrawnAsync(string tenantId)
    {
        if (state.State.Request!.Kind != BackfillKind.Rule) return false;
        var rule = await grains.GetGrain<IRuleSetGrain>(TenantKey.Of(tenantId)).GetAsync(state.State.Request.RuleId!);
        return rule is not { Active: true };
    }

    private async Task<BackfillPlan?> PlanAsync()
    {
        var request = state.State.Request!;
        if (request.Kind == BackfillKind.Rule && state.State.PinnedRules.Count == 0) return null;
        var directory = (await tenants.GetAsync(Key.TenantId)).Directory;
        var (plan, problems) = BackfillPlan.Compile(request, state.State.PinnedRules, directory);
        if (plan is null) state.State.Error = string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"));
        return plan;
    }

    private BackfillProgress Progress() => new(
        Key.BackfillId, state.State.Status, state.State.Total, state.State.Processed, state.State.Matched, state.State.Applied, state.State.Error);

    private void Publish()
    {
        var progress = Progress();
        foreach (var watcher in _watchers.ToArray()) watcher.Writer.TryWrite(progress);
    }

    private async Task StopReminderAsync()
    {
        if (await this.GetReminder(ResumeReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backfill {BackfillId} of tenant {TenantId} failed on a page; it resumes from its checkpoint when its reminder fires")]
    private static partial void LogPageFailed(ILogger logger, Exception exception, string tenantId, string backfillId);
}
