namespace SmartRules.Domain.Customers;

/// <summary>
/// A customer's credit rating. A ranks highest. "Unrated" is <c>null</c> wherever a <see cref="Rating"/>? appears
/// and ranks below D (<see cref="Ratings.Rank"/> gives it 0).
/// </summary>
public enum Rating : byte
{
    D = 1,
    C = 2,
    B = 3,
    A = 4,
}
