package org.dubbomesh.interop;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * A POJO with the value kinds Hessian2 peers trip over (list, map, date, decimal), for the
 * IDL-less DemoService. Hessian writes it as a typed map named org.dubbomesh.interop.User.
 */
public class User implements Serializable {
    private static final long serialVersionUID = 1L;

    private String name;
    private int age;
    private List<String> tags;
    private Map<String, String> attrs;
    private Date birthday;
    private BigDecimal balance;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getAge() {
        return age;
    }

    public void setAge(int age) {
        this.age = age;
    }

    public List<String> getTags() {
        return tags;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    public Map<String, String> getAttrs() {
        return attrs;
    }

    public void setAttrs(Map<String, String> attrs) {
        this.attrs = attrs;
    }

    public Date getBirthday() {
        return birthday;
    }

    public void setBirthday(Date birthday) {
        this.birthday = birthday;
    }

    public BigDecimal getBalance() {
        return balance;
    }

    public void setBalance(BigDecimal balance) {
        this.balance = balance;
    }

    @Override
    public String toString() {
        return "User{name=" + name + ", age=" + age + ", tags=" + tags + ", attrs=" + attrs
                + ", birthday=" + (birthday == null ? null : birthday.toInstant()) + ", balance=" + balance + "}";
    }
}
