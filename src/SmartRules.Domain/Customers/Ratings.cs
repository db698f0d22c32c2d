using System.Diagnostics.CodeAnalysis;

namespace SmartRules.Domain.Customers;

/// <summary>Ranks, names and the delay bands of ratings.</summary>
public static class Ratings
{
    /// <summary>The names a client may send, best first.</summary>
    public static readonly IReadOnlyList<string> Names = ["A", "B", "C", "D"];

    /// <summary>0 for unrated, 1 for D … 4 for A: unrated ranks below D.</summary>
    public static int Rank(Rating? rating) => rating is { } r ? (int)r : 0;

    public static string Name(Rating rating) => rating switch
    {
        Rating.A => "A",
        Rating.B => "B",
        Rating.C => "C",
        Rating.D => "D",
        _ => throw new ArgumentOutOfRangeException(nameof(rating), rating, null),
    };

    /// <summary>Parses exactly "A", "B", "C" or "D" (upper case, nothing around it).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Rating? rating)
    {
        rating = text switch
        {
            "A" => Rating.A,
            "B" => Rating.B,
            "C" => Rating.C,
            "D" => Rating.D,
            _ => null,
        };
        return rating is not null;
    }

    /// <summary>
    /// The rating a tenant that derives ratings from payment behaviour gets: A up to 30 days, B up to 60,
    /// C up to 90, D beyond. Early payers (negative delays) are A; an unknown delay is unrated.
    /// </summary>
    public static Rating? FromDelay(decimal? averagePaymentDelayDays) => averagePaymentDelayDays switch
    {
        null => null,
        <= 30m => Rating.A,
        <= 60m => Rating.B,
        <= 90m => Rating.C,
        _ => Rating.D,
    };
}
