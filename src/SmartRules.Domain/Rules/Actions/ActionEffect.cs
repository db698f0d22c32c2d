using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Actions;

/// <summary>What carrying out an action did: the resulting state, whether the action took effect at all, and a note
/// for anything it had to skip.</summary>
internal readonly record struct ActionEffect(CustomerSnapshot State, bool TookEffect, string? Note = null, PlannedNotification? Notification = null)
{
    public static ActionEffect Skipped(CustomerSnapshot state, string note) => new(state, false, note);
}
