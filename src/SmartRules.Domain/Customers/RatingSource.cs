namespace SmartRules.Domain.Customers;

/// <summary>Where a tenant's customer ratings come from.</summary>
public enum RatingSource
{
    /// <summary>The client sends the rating with each update.</summary>
    Provided,

    /// <summary>The rating follows the average payment delay (see <see cref="Ratings.FromDelay"/>); a sent rating is refused.</summary>
    DerivedFromDelay,
}
