using System.Collections;

namespace SmartRules.Domain.Customers;

/// <summary>
/// The users assigned to a customer, by e-mail: an immutable set in which e-mails are compared
/// case-insensitively (ann@acme.test and Ann@Acme.test are one user); the first spelling added is kept.
/// </summary>
public sealed class UserSet : IEquatable<UserSet>, IReadOnlyCollection<string>
{
    public static readonly UserSet Empty = new([]);

    private static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;
    private readonly string[] _users;

    private UserSet(string[] sortedUsers) => _users = sortedUsers;

    public int Count => _users.Length;

    public static UserSet From(IEnumerable<string> emails)
    {
        ArgumentNullException.ThrowIfNull(emails);
        return Empty.Union(emails);
    }

    public bool Contains(string email) => Array.BinarySearch(_users, email, Comparer) >= 0;

    /// <summary>This set plus the given users; this instance when all of them are already here.</summary>
    public UserSet Union(IEnumerable<string> emails)
    {
        ArgumentNullException.ThrowIfNull(emails);
        List<string>? added = null;
        foreach (var email in emails)
        {
            ArgumentException.ThrowIfNullOrEmpty(email, nameof(emails));
            if (Contains(email) || (added is not null && added.Contains(email, Comparer))) continue;
            (added ??= []).Add(email);
        }

        if (added is null) return this;
        var all = new string[_users.Length + added.Count];
        _users.CopyTo(all, 0);
        added.CopyTo(all, _users.Length);
        Array.Sort(all, Comparer);
        return new UserSet(all);
    }

    /// <summary>This set less the given users; this instance when none of them is here.</summary>
    public UserSet Except(IEnumerable<string> emails)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var removed = new HashSet<string>(emails, Comparer);
        if (!_users.Any(removed.Contains)) return this;
        var kept = _users.Where(u => !removed.Contains(u)).ToArray();
        return kept.Length == 0 ? Empty : new UserSet(kept);
    }

    public bool Equals(UserSet? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._users.Length != _users.Length) return false;
        for (var i = 0; i < _users.Length; i++)
        {
            if (!Comparer.Equals(_users[i], other._users[i])) return false;
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as UserSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var user in _users) hash.Add(user, Comparer);
        return hash.ToHashCode();
    }

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_users).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", _users) + "]";
}
