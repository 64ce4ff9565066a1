//! The cost book's composites: each part's cost worked out once, where the composite is costed.

use super::*;

fn book(text: &str) -> CostBook {
    let mut diagnostics = Diagnostics::new();
    let table = parse_table("costs.toml", text, false, &mut diagnostics).expect("the table parses");
    let book = CostBook::from_tables(vec![table], None, &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{diagnostics:?}");
    book.expect("the book is made")
}

#[test]
fn a_composites_parts_carry_their_cost_in_the_order_listed() {
    let book = book(
        "[table]\nname = \"Test costs\"\n\n\
         [[unit_cost]]\nid = \"officer_hour\"\nname = \"Officer time\"\nunit = \"hour\"\ncost = \"42\"\nagency = \"Council\"\n\n\
         [[unit_cost]]\nid = \"letter\"\nname = \"Letter\"\nunit = \"letter\"\ncost = \"0.65\"\nagency = \"Council\"\n\n\
         [[unit_cost]]\nid = \"truancy_case\"\nname = \"Truancy\"\nunit = \"child\"\n\
         components = [{ id = \"officer_hour\", quantity = \"36\" }, { id = \"letter\", quantity = \"2.5\" }]\n",
    );
    let composite = book.service(book.lookup("truancy_case").unwrap());
    assert_eq!(
        composite.parts,
        vec![
            Part {
                service: book.lookup("officer_hour").unwrap(),
                quantity: Decimal::from(36),
                cost: Decimal::from(1_512),
            },
            Part {
                service: book.lookup("letter").unwrap(),
                quantity: Decimal::new(25, 1),
                cost: Decimal::new(1625, 3),
            },
        ]
    );
    assert_eq!(composite.unit_cost, Decimal::new(1_513_625, 3));
    assert!(
        book.service(book.lookup("letter").unwrap())
            .parts
            .is_empty()
    );
}
