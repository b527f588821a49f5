//! The domain services, driven through mockall mocks of every port.

mod services {
    mod accounts;
    mod alerts;
    mod blog;
    mod confirmation;
    mod digest;
    mod dispatcher;
    mod lockout;
    mod preparer;
    mod rebuild;
    mod reset;
    mod sessions;
    mod support;
}
