using SmartRules.Domain.Customers;

namespace SmartRules.Domain.Rules.Conditions;

/// <summary>
/// The rating is one of a set (<c>isOneOf</c>), at least or at most a rating (A is best). Every form compiles to
/// the set of ratings it accepts. Unrated matches no rating condition.
/// </summary>
public sealed class RatingCondition : Condition
{
    private readonly int _acceptedRanks;

    internal RatingCondition(string @operator, IEnumerable<Rating> accepted)
        : base("rating", @operator)
    {
        foreach (var rating in accepted) _acceptedRanks |= 1 << (int)rating;
    }

    /// <summary>The ratings this condition accepts, best first.</summary>
    public IReadOnlyList<Rating> Accepted => [.. Enum.GetValues<Rating>().Where(Accepts).OrderDescending()];

    public bool Accepts(Rating rating) => (_acceptedRanks & (1 << (int)rating)) != 0;

    /// <summary>As written: the list for <c>isOneOf</c>, the bound for <c>atLeast</c> (the lowest accepted) and
    /// <c>atMost</c> (the highest accepted).</summary>
    public override object? Written
    {
        get
        {
            var accepted = Accepted;
            if (accepted.Count == 0) return Array.Empty<string>();
            return Operator switch
            {
                "atLeast" => Ratings.Name(accepted[^1]),
                "atMost" => Ratings.Name(accepted[0]),
                _ => accepted.Select(Ratings.Name).ToArray(),
            };
        }
    }

    public override object? Actual(CustomerSnapshot customer) => customer.Rating is { } rating ? Ratings.Name(rating) : null;

    public override string? Hint(CustomerSnapshot customer) =>
        customer.Rating is null ? "the customer is unrated: unrated matches no rating condition" : null;

    public override bool Matches(CustomerSnapshot customer) => customer.Rating is { } rating && Accepts(rating);
}
